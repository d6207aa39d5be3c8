//! What the repository's own files promise, checked against the code: the declared
//! minimum Rust version against every locked dependency's, the README's configuration
//! table against the command line and its endpoint table against the served API
//! document, the shutdown grace against the compose file's stop period, the container
//! health checks, and the licence.

use std::{collections::BTreeMap, path::Path};

use clap::CommandFactory;
use crm_emulator::{cli::Cli, config::Config};

fn read(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The value of `key = "…"` in a manifest's `[package]` table.
fn package_key(manifest: &str, key: &str) -> Option<String> {
    let manifest = format!("\n{manifest}");
    let package = manifest.split("\n[package]").nth(1)?;
    let package = package.split("\n[").next()?;
    package.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// `1.89` as `[1, 89, 0]`, so that it equals `1.89.0`.
fn version(text: &str) -> [u32; 3] {
    let mut parts = text.split('.').map(|part| part.parse().unwrap_or(0));
    [(); 3].map(|()| parts.next().unwrap_or(0))
}

/// Where cargo unpacks registry packages: `$CARGO_HOME/registry/src/<index>/`.
fn registry_sources() -> Vec<std::path::PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(Into::into)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let src = home.join("registry").join("src");
    let indexes = std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    indexes
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect()
}

/// Cargo checks `rust-version` only for the package it builds, so a dependency update
/// can raise the real minimum silently (uuid 1.29 needs 1.89). Each registry package in
/// `Cargo.lock` that this platform builds is unpacked under the registry once `cargo
/// test` has built the tests, so its manifest is read there. Packages only other
/// platforms build (e.g. `android_system_properties`) are unpacked by `cargo fetch`
/// alone: `.ci/run` fetches first, so there every locked package is checked; on a fresh
/// machine they are left out, and the test says how many.
#[test]
fn the_declared_rust_version_covers_every_locked_dependency() {
    let declared = package_key(&read("Cargo.toml"), "rust-version").expect("a rust-version");
    let lock = read("Cargo.lock");
    let sources = registry_sources();
    let mut needs: BTreeMap<[u32; 3], Vec<String>> = BTreeMap::new();
    let mut not_unpacked = Vec::new();
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| package_key(&format!("[package]{package}"), key);
        let (Some(name), Some(number)) = (field("name"), field("version")) else {
            continue;
        };
        if !field("source").is_some_and(|s| s.starts_with("registry+")) {
            continue;
        }
        let unpacked = format!("{name}-{number}");
        let Some(manifest) = sources
            .iter()
            .map(|index| index.join(&unpacked).join("Cargo.toml"))
            .find(|manifest| manifest.exists())
        else {
            not_unpacked.push(unpacked);
            continue;
        };
        let manifest = std::fs::read_to_string(manifest).unwrap();
        if let Some(minimum) = package_key(&manifest, "rust-version") {
            needs.entry(version(&minimum)).or_default().push(unpacked);
        }
    }
    if !not_unpacked.is_empty() {
        eprintln!(
            "not checked, not unpacked (`cargo fetch` unpacks them): {}",
            not_unpacked.join(", ")
        );
    }
    let (highest, packages) = needs.last_key_value().expect("locked packages");
    assert!(
        version(&declared) >= *highest,
        "Cargo.toml declares rust-version {declared}, but {packages:?} need {highest:?}"
    );
}

/// The flags of `crm-emulator serve`: long name → (environment twin, default).
fn serve_flags() -> BTreeMap<String, (String, Option<String>)> {
    let command = Cli::command();
    let serve = command.find_subcommand("serve").expect("serve");
    let flags = serve.get_arguments().filter_map(|arg| {
        let long = format!("--{}", arg.get_long()?);
        let env = arg.get_env()?.to_string_lossy().into_owned();
        let default = arg.get_default_values().first();
        Some((
            long,
            (env, default.map(|d| d.to_string_lossy().into_owned())),
        ))
    });
    flags.collect()
}

/// Every flag of `serve` is a row of the configuration tables of the README and of
/// `docs/running.md`, with its environment twin and its default, and the tables have no
/// other rows.
#[test]
fn the_configuration_tables_are_the_command_line() {
    for file in ["README.md", "docs/running.md"] {
        configuration_table_is_the_command_line(file);
    }
}

fn configuration_table_is_the_command_line(file: &str) {
    let rows: BTreeMap<String, (String, String)> = section(file, "Configuration")
        .lines()
        .filter(|line| line.starts_with("| `--"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            let flag = cells[0]
                .trim_matches('`')
                .split(' ')
                .next()
                .unwrap()
                .to_owned();
            (flag, (cells[1].to_owned(), cells[2].to_owned()))
        })
        .collect();
    let flags = serve_flags();
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        flags.keys().collect::<Vec<_>>(),
        "{file}'s rows against `crm-emulator serve --help`"
    );
    for (flag, (env, default)) in &flags {
        let (row_env, row_default) = &rows[flag];
        assert_eq!(row_env, &format!("`{env}`"), "{flag}'s environment twin");
        match default.as_deref() {
            // A switch: off unless given.
            Some("false") => assert!(row_default.starts_with("off"), "{flag}: {row_default}"),
            Some(default) => assert!(
                row_default.starts_with(&format!("`{default}`")),
                "{flag}'s default is `{default}`, {file} says {row_default}"
            ),
            // No default, or one computed at start-up: no literal value.
            None => assert!(
                !row_default.starts_with('`'),
                "{flag} has no default, {file} says {row_default}"
            ),
        }
    }
}

/// The section of a heading of a Markdown file, up to the next one.
fn section(file: &str, heading: &str) -> String {
    let text = read(file);
    let section = text.split(&format!("\n## {heading}\n")).nth(1);
    let section = section.unwrap_or_else(|| panic!("a section {heading:?} in {file}"));
    section.split("\n## ").next().unwrap().to_owned()
}

/// Every operation the served API document describes is a row of the README's table
/// of endpoints (`| GET, POST | `/path` | … |`), and every row is one; DingTalk's v1.0
/// operations are tabled in their own document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_endpoint_table_is_the_served_api_document() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    let document = app.get_json("/_emulator/openapi.json").await;
    let methods = ["get", "post", "put", "patch", "delete"];
    let mut served = std::collections::BTreeSet::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for method in operations.as_object().unwrap().keys() {
            if methods.contains(&method.as_str()) && !path.starts_with("/v1.0") {
                served.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let mut tabled = std::collections::BTreeSet::new();
    for line in section("README.md", "Every endpoint")
        .lines()
        .filter(|l| l.starts_with("| "))
    {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let Some(path) = cells[1].strip_prefix('`').and_then(|p| p.strip_suffix('`')) else {
            continue;
        };
        for method in cells[0].split(", ") {
            tabled.insert(format!("{method} {path}"));
        }
    }
    assert_eq!(
        tabled.difference(&served).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in the README, not served"
    );
    assert_eq!(
        served.difference(&tabled).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "served, not in the README"
    );
}

/// The compose file gives a replica time to finish what `--shutdown-grace` lets it
/// finish, and that covers the longest request (`--request-timeout`).
#[test]
fn the_shutdown_grace_covers_a_request_and_the_compose_stop_period_covers_the_grace() {
    let defaults = Config::for_tests("sqlite::memory:");
    assert!(defaults.shutdown_grace >= defaults.request_timeout);
    let compose = read("docker-compose.yml");
    let stop: u64 = compose
        .lines()
        .find_map(|line| line.trim().strip_prefix("stop_grace_period:"))
        .and_then(|period| period.trim().strip_suffix('s')?.parse().ok())
        .expect("a stop_grace_period in seconds");
    assert!(
        stop > defaults.shutdown_grace,
        "stop_grace_period {stop}s against a shutdown grace of {}s",
        defaults.shutdown_grace
    );
}

/// The health checks follow `CRM_EMULATOR_BIND` rather than naming a port.
#[test]
fn the_container_health_checks_name_no_address() {
    for file in ["Dockerfile", "docker-compose.yml"] {
        let text = read(file);
        let checks: Vec<&str> = text.lines().filter(|l| l.contains("healthcheck")).collect();
        assert!(!checks.is_empty(), "{file} has a health check");
        for line in checks {
            assert!(!line.contains("--addr"), "{file}: {line}");
        }
    }
}

#[test]
fn the_licence_the_manifest_names_is_in_the_repository() {
    assert_eq!(
        package_key(&read("Cargo.toml"), "license").as_deref(),
        Some("MIT")
    );
    let licence = read("LICENSE");
    assert!(licence.starts_with("MIT License"), "{licence}");
    assert!(licence.contains("Permission is hereby granted, free of charge"));
}
