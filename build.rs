//! Compiles the crate again when a migration is added, and compiles parts of the
//! black-box tests in or out, so that a test the machine cannot run is reported as
//! ignored, never as passed:
//!
//! - the Postgres leg: with `CRM_EMULATOR_TEST_POSTGRES_URL` set when the tests are
//!   built, every `<test>::postgres` runs; without it they are ignored, naming the
//!   variable;
//! - the tests that mount a size-limited file system (SQLite's disk full,
//!   `tests/api/outage/`): only where the build runs as root with `CAP_SYS_ADMIN` on
//!   Linux (CI's container does).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(mount_tests)");
    println!("cargo::rerun-if-env-changed=CRM_EMULATOR_TEST_POSTGRES_URL");
    // `sqlx::migrate!` embeds the migrations when the crate compiles; a migration added
    // later must make it compile again.
    println!("cargo::rerun-if-changed=migrations");
    if std::env::var_os("CRM_EMULATOR_TEST_POSTGRES_URL").is_some() {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    if may_mount() {
        println!("cargo::rustc-cfg=mount_tests");
    }
}

/// Whether this process is root with `CAP_SYS_ADMIN` (bit 21 of the effective set).
fn may_mount() -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let root = field("Uid:").split_whitespace().nth(1) == Some("0");
    let caps = u64::from_str_radix(&field("CapEff:"), 16).unwrap_or(0);
    root && caps & (1 << 21) != 0
}
