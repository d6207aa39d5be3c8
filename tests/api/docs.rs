//! The repository explains itself: nothing in `src/`, `docs/`, the migrations, the
//! scripts, the examples, the README or the text the server serves points to a file
//! outside the repository; every `docs/` section cited exists; and `docs/architecture.md` names only paths that exist.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use serde_json::json;

use crate::helpers::*;
use crate::openapi::Oa;

/// What a citation of a file outside the repository looks like: the wire contract and
/// the vendor documents the project was started from, which are not in it.
const OUTSIDE: [&str; 4] = ["SPEC §", "SPEC.md", "seeds/", "../shared"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (recursively), sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The text files of `src/`, `docs/`, `migrations/`, `scripts/`, `deploy/` and
/// `examples/`, and the README and CONTRIBUTING.md, with their paths.
fn project_texts() -> Vec<(PathBuf, String)> {
    let root = root();
    let mut files = Vec::new();
    for dir in ["src", "docs", "migrations", "scripts", "deploy", "examples"] {
        files.extend(files_under(&root.join(dir)));
    }
    files.extend(["README.md", "CONTRIBUTING.md"].map(|name| root.join(name)));
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?; // images are not text
            Some((path, text))
        })
        .collect()
}

/// The lines of `text` that cite something outside the repository.
fn outside_citations(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| OUTSIDE.iter().any(|needle| line.contains(needle)))
        .map(|line| line.trim().chars().take(160).collect())
        .collect()
}

#[test]
fn no_source_doc_or_readme_cites_a_file_outside_the_repository() {
    let found: Vec<String> = project_texts()
        .iter()
        .flat_map(|(path, text)| {
            let shown = path
                .strip_prefix(root())
                .unwrap_or(path)
                .display()
                .to_string();
            outside_citations(text)
                .into_iter()
                .map(move |line| format!("{shown}: {line}"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "cite docs/ (or nothing) instead:\n{}",
        found.join("\n")
    );
}

/// The anchor GitHub gives a heading: lowercase, letters, digits, `-` and `_` kept,
/// spaces made `-`, everything else (punctuation, backticks) dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of a Markdown page outside its fenced code blocks.
fn prose_lines(page: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    page.lines().filter(move |line| {
        let fence = line.trim_start().starts_with("```");
        fenced ^= fence;
        !fence && !fenced
    })
}

/// The paragraphs of a Markdown page's prose, as words: runs of prose lines between
/// blank lines, with tables and headings left out.
fn paragraphs(page: &str) -> Vec<Vec<&str>> {
    let mut out = vec![Vec::new()];
    for line in prose_lines(page) {
        let text = line.trim();
        if text.is_empty() || text.starts_with('|') || text.starts_with('#') {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.extend(text.split_whitespace());
        }
    }
    out.retain(|words| !words.is_empty());
    out
}

/// A run of this many words said twice in one paragraph is a pasted fragment, not
/// prose.
const REPEATED_RUN: usize = 8;

#[test]
fn no_paragraph_of_the_docs_says_the_same_run_of_words_twice() {
    let mut pages: Vec<PathBuf> = files_under(&root().join("docs"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.push(root().join("README.md"));
    let mut repeated = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("a page");
        for words in paragraphs(&text) {
            let mut first = std::collections::HashMap::new();
            for (at, run) in words.windows(REPEATED_RUN).enumerate() {
                match first.get(run) {
                    Some(&earlier) if at >= earlier + REPEATED_RUN => {
                        repeated.push(format!("{}: {}", page.display(), run.join(" ")));
                        break;
                    }
                    Some(_) => {}
                    None => {
                        first.insert(run, at);
                    }
                }
            }
        }
    }
    assert!(repeated.is_empty(), "fragments said twice: {repeated:#?}");
}

/// The anchors of a Markdown page's headings (code blocks left out), repeats numbered
/// as GitHub numbers them (`usage`, `usage-1`).
fn anchors(page: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for line in prose_lines(page) {
        let level = line.chars().take_while(|c| *c == '#').count();
        if level == 0 || level > 6 || !line[level..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[level..]);
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// Every `NAME.md` or `NAME.md#anchor` in `text` preceded by `prefix` (`docs/`, or
/// `](` for a Markdown link), and every `](#anchor)`: `(file, anchor)`, the file `None`
/// for a link within the page.
fn citations(text: &str, prefix: &str) -> Vec<(Option<String>, Option<String>)> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        let rest = &text[at + prefix.len()..];
        if let Some(anchor) = rest.strip_prefix('#') {
            let anchor: String = anchor.chars().take_while(|c| name_char(*c)).collect();
            out.push((None, Some(anchor)));
            continue;
        }
        let name: String = rest.chars().take_while(|c| name_char(*c)).collect();
        let Some(after) = rest[name.len()..].strip_prefix(".md") else {
            continue;
        };
        let anchor = after
            .strip_prefix('#')
            .map(|a| a.chars().take_while(|c| name_char(*c)).collect());
        out.push((Some(format!("{name}.md")), anchor));
    }
    out
}

#[test]
fn every_cited_docs_section_exists() {
    let root = root();
    let docs = root.join("docs");
    let mut broken = Vec::new();
    for (path, text) in project_texts() {
        let in_docs = path.starts_with(&docs) && path.extension().is_some_and(|e| e == "md");
        let is_readme = path == root.join("README.md");
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        // `docs/NAME.md#anchor` anywhere; in the pages themselves, Markdown links too:
        // relative to `docs/` in a page there, to the root in the README.
        let mut cited: Vec<(PathBuf, Option<String>)> = citations(&text, "docs/")
            .into_iter()
            .filter_map(|(file, anchor)| Some((docs.join(file?), anchor)))
            .collect();
        if in_docs || is_readme {
            let base = if in_docs { &docs } else { &root };
            cited.extend(citations(&text, "](").into_iter().map(|(file, anchor)| {
                (file.map_or_else(|| path.clone(), |f| base.join(f)), anchor)
            }));
        }
        for (file, anchor) in cited {
            let Ok(page) = std::fs::read_to_string(&file) else {
                broken.push(format!("{shown}: no file {}", file.display()));
                continue;
            };
            if let Some(anchor) = anchor.filter(|a| !anchors(&page).contains(a)) {
                let name = file.strip_prefix(&root).unwrap_or(&file).display();
                broken.push(format!("{shown}: no heading #{anchor} in {name}"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn github_slugs_drop_punctuation_and_number_repeats() {
    assert_eq!(slug(" Envelope and errors"), "envelope-and-errors");
    assert_eq!(
        slug(" Searching: `POST /openapi/crm/list`"),
        "searching-post-openapicrmlist"
    );
    assert_eq!(
        slug(" Strict and lenient tenants: the rulebook"),
        "strict-and-lenient-tenants-the-rulebook"
    );
    let page = "# A\n## Usage\n```sh\n# not a heading\n```\n## Usage\n";
    let found: Vec<String> = anchors(page).into_iter().collect();
    assert_eq!(found, ["a", "usage", "usage-1"]);
}

/// The backticked names in `page` (code blocks left out) that look like a path in the
/// repository: a relative path with a `/`, or a file name with an extension the tree
/// has; an anchor after `#` is dropped.
fn named_paths(page: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in prose_lines(page) {
        for (i, part) in line.split('`').enumerate() {
            let path = part.split('#').next().unwrap_or_default();
            let looks_like_path = i % 2 == 1
                && !path.is_empty()
                && !path.starts_with('/')
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
                && (path.contains('/')
                    || [".rs", ".md", ".sql", ".py", ".sh", ".toml"]
                        .iter()
                        .any(|ext| path.ends_with(ext)));
            if looks_like_path {
                names.insert(path.to_owned());
            }
        }
    }
    names
}

#[test]
fn every_path_docs_architecture_md_names_exists() {
    let root = root();
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).expect("the page");
    // The page names paths as it walks the tree: from the root, from `src/`, and inside
    // the store from `src/store/`.
    let bases = [root.clone(), root.join("src"), root.join("src/store")];
    let names = named_paths(&page);
    assert!(names.len() > 40, "too few paths found: {names:?}");
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !bases.iter().any(|base| base.join(name.as_str()).exists()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names paths that do not exist: {missing:?}"
    );
}

#[tokio::test]
async fn the_served_document_rules_and_metrics_cite_nothing_outside_the_repository() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // One answer of each kind, so that every metric family is printed with its help.
    let oa = Oa::default(&app).await;
    assert_eq!(
        oa.post("/openapi/crm/list", &json!({"limit": 500}))
            .await
            .status,
        200
    );
    app.get("/crm/customer/list?access_token=nope").await;
    let fault = json!({"api": "dingtalk", "path": "/crm/*", "errcode": -1, "times": 1});
    assert_eq!(
        app.post_json("/_emulator/faults", &fault).await.status(),
        201
    );
    app.get("/crm/customer/list?access_token=nope").await;

    let document = app
        .get("/_emulator/openapi.json")
        .await
        .text()
        .await
        .unwrap();
    let rules = app.get("/_emulator/rules").await.text().await.unwrap();
    let metrics = app.get("/_emulator/metrics").await.text().await.unwrap();
    for family in [
        "requests_total",
        "request_duration_seconds",
        "rule_warnings_total",
        "rule_refusals_total",
        "faults_injected_total",
        "auth_failures_total",
        "db_connections",
        "build_info",
    ] {
        assert!(
            metrics.contains(&format!("# HELP crm_emulator_{family} ")),
            "no help for {family}:\n{metrics}"
        );
    }
    for (served, text) in [
        ("/_emulator/openapi.json", &document),
        ("/_emulator/rules", &rules),
        ("/_emulator/metrics", &metrics),
    ] {
        // The document is one line: show each citation with what comes before it.
        let found: Vec<String> = OUTSIDE
            .iter()
            .flat_map(|needle| text.match_indices(needle))
            .map(|(at, needle)| {
                let before: String = text[..at].chars().rev().take(80).collect();
                format!("{}{needle}", before.chars().rev().collect::<String>())
            })
            .collect();
        assert!(
            found.is_empty(),
            "{served} cites outside the repository: {found:#?}"
        );
    }
    // What the served text cites instead exists.
    let cited: Vec<String> = [&document, &rules, &metrics]
        .iter()
        .flat_map(|text| citations(text, "docs/"))
        .filter_map(|(file, anchor)| Some(format!("docs/{}#{}", file?, anchor?)))
        .collect();
    assert!(!cited.is_empty(), "the served text cites no docs/ section");
    let docs = root().join("docs");
    for citation in cited {
        let (file, anchor) = citation["docs/".len()..]
            .split_once('#')
            .unwrap_or_default();
        let page = std::fs::read_to_string(docs.join(file)).unwrap_or_default();
        assert!(anchors(&page).contains(anchor), "{citation} does not exist");
    }
}
