//! The shape of the code (see `docs/architecture.md`), checked on every run: no import
//! cycle between `src/`'s top-level modules or between `src/store`'s submodules, no
//! source file over 400 lines, and at most 3 `macro_rules!` under `src/store`.
//!
//! Imports are read from the source text: every `use` tree (nested braces included)
//! and every `crate::…`, `super::…` and `self::…` path written inline. Test modules
//! (`#[cfg(test)]`) are left out: a test may look at its module from any side. The
//! crate root (`lib.rs`) declares every module, so a module that imports through a
//! root re-export (`crate::AppState`) is a cycle too: import items where they live.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// A source file: its module path (`["store", "openapi", "customers"]`) and its text
/// without comments, strings and test modules.
struct Source {
    module: Vec<String>,
    code: String,
}

/// The module path of `file` under `src/`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Removes comments and the contents of string and char literals, keeping line breaks.
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' || (c == 'r' && matches!(next, Some('"' | '#'))) {
            // A plain or raw string: skip to its end (kept only as a `#[path]`'s value,
            // which names a test module's file).
            let start = i;
            let raw = c == 'r';
            let mut hashes = 0;
            if raw {
                i += 1;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
            }
            i += 1;
            while i < chars.len() {
                if !raw && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            if out.trim_end().ends_with("path =") {
                out.extend(&chars[start..i.min(chars.len())]);
            } else {
                out.push_str("\"\"");
            }
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Cuts `#[cfg(test)] mod name { … }` blocks; returns the code and the files of test
/// modules declared as files (`#[cfg(test)] mod name;`, with any `#[path]`).
fn cut_test_modules(code: &str) -> (String, Vec<String>) {
    let mut out = code.to_owned();
    let mut files = Vec::new();
    let mut from = 0;
    while let Some(found) = out[from..].find("#[cfg(test)]") {
        let at = from + found;
        // Other attributes (`#[path = …]`) may stand between it and `mod`.
        let mut rest = &out[at + "#[cfg(test)]".len()..];
        let mut path = None;
        loop {
            rest = rest.trim_start();
            let Some(attribute) = rest.strip_prefix("#[") else {
                break;
            };
            let end = attribute.find(']').unwrap_or(attribute.len());
            if let Some(p) = attribute[..end].strip_prefix("path = ") {
                path = Some(p.trim_matches('"').to_owned());
            }
            rest = &attribute[(end + 1).min(attribute.len())..];
        }
        let Some(declared) = rest.strip_prefix("mod ") else {
            from = at + 1; // a test-only item that is not a module
            continue;
        };
        let header = declared.find(['{', ';']).unwrap_or(declared.len());
        let name = declared[..header].trim().to_owned();
        let start_of_body = out.len() - declared.len() + header;
        if declared[header..].starts_with(';') {
            files.push(path.unwrap_or(format!("{name}.rs")));
            out.replace_range(at..start_of_body + 1, "");
            continue;
        }
        let mut depth = 0;
        let mut end = out.len();
        for (i, ch) in out[start_of_body..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = start_of_body + i + 1;
                break;
            }
        }
        out.replace_range(at..end, "");
    }
    (out, files)
}

/// Every path a `use` declaration names, its nested trees expanded.
fn use_paths(tree: &str) -> Vec<Vec<String>> {
    fn expand(tokens: &[String], prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        for (i, token) in tokens.iter().enumerate() {
            match token.as_str() {
                // A group ends the tree: each of its members extends the path so far.
                "{" => {
                    let mut depth = 0;
                    let mut start = i + 1;
                    for (j, inner) in tokens.iter().enumerate().skip(i) {
                        match inner.as_str() {
                            "{" => depth += 1,
                            "}" => depth -= 1,
                            "," if depth == 1 => {
                                expand(&tokens[start..j], &path, out);
                                start = j + 1;
                            }
                            _ => {}
                        }
                        if depth == 0 {
                            expand(&tokens[start..j], &path, out);
                            break;
                        }
                    }
                    return;
                }
                "as" => break,
                "::" => {}
                // `self` inside a group is the group's own path.
                "self" if !path.is_empty() => {}
                word => path.push(word.to_owned()),
            }
        }
        if path.len() > prefix.len() || !prefix.is_empty() {
            out.push(path);
        }
    }
    let mut tokens = Vec::new();
    let mut word = String::new();
    for ch in tree.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == '*' || ch == '$' {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        match ch {
            '{' | '}' | ',' => tokens.push(ch.to_string()),
            ':' if tokens.last().is_some_and(|t| t != "::") => tokens.push("::".into()),
            _ => {}
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut out = Vec::new();
    expand(&tokens, &[], &mut out);
    out
}

/// The paths `code` names: its `use` trees and its inline `crate::`/`super::`/`self::`.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let boundary = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let end = rest[at..].find(';').map_or(rest.len(), |i| at + i);
        if boundary {
            paths.extend(use_paths(&rest[at + 4..end]));
        }
        rest = &rest[at + 4..];
    }
    for root in ["crate", "super", "self"] {
        let mut rest = code;
        while let Some(at) = rest.find(&format!("{root}::")) {
            let tail = &rest[at..];
            let path: Vec<String> = tail
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s| !s.is_empty())
                .collect();
            if path.len() > 1 {
                paths.push(path);
            }
            rest = &rest[at + root.len() + 2..];
        }
    }
    paths
}

/// `path` as seen from `module`, made absolute (from the crate root); `None` for a
/// path that starts elsewhere (another crate, a name in scope).
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut here = module.to_vec();
    let mut parts = path.iter().peekable();
    match parts.peek().map(|s| s.as_str()) {
        Some("crate" | "$crate") => here.clear(),
        Some("super") => {
            while parts.peek().map(|s| s.as_str()) == Some("super") {
                parts.next();
                here.pop()?;
            }
        }
        Some("self") => {}
        _ => return None,
    }
    if parts
        .peek()
        .is_some_and(|s| ["crate", "$crate", "self"].contains(&s.as_str()))
    {
        parts.next();
    }
    here.extend(parts.cloned());
    Some(here)
}

/// The node of `parent`'s own file (its `mod.rs` or `lib.rs`) in [`edges`].
const ROOT: &str = "(root)";

/// The imports between the children of `parent` (`[]` for `src/`), child → child. The
/// parent's own file is the node [`ROOT`], which declares every child: any import of
/// the parent by a child closes a cycle.
fn edges(
    sources: &[Source],
    modules: &BTreeSet<Vec<String>>,
    parent: &[String],
) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<String> = modules
        .iter()
        .filter(|m| m.len() == parent.len() + 1 && m.starts_with(parent))
        .map(|m| m[parent.len()].clone())
        .collect();
    let node = |m: &[String]| -> Option<String> {
        if !m.starts_with(parent) {
            return None;
        }
        match m.get(parent.len()) {
            Some(child) if children.contains(child) => Some(child.clone()),
            _ => Some(ROOT.to_owned()),
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert(ROOT.to_owned(), children.clone());
    for source in sources {
        let Some(from) = node(&source.module) else {
            continue;
        };
        for path in paths_in(&source.code) {
            let Some(target) = resolve(&source.module, &path) else {
                continue;
            };
            if target.len() <= parent.len() {
                continue; // the parent module itself, e.g. a bare `crate` in a use tree
            }
            if let Some(to) = node(&target).filter(|to| *to != from) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// A cycle of `graph`, if it has one, as the list of its nodes.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("read a source directory");
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every library source file but the test modules, and every module's path.
fn library_sources() -> (Vec<Source>, BTreeSet<Vec<String>>) {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.retain(|f| f.file_name().is_some_and(|n| n != "main.rs"));
    let mut test_files = BTreeSet::new();
    let mut sources = Vec::new();
    let mut modules = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a source file");
        let (code, tests) = cut_test_modules(&strip_comments_and_strings(&text));
        let folder = file.parent().unwrap_or(&src).to_path_buf();
        test_files.extend(tests.into_iter().map(|t| folder.join(t)));
        let module = module_of(&src, file);
        modules.insert(module.clone());
        sources.push((file.clone(), Source { module, code }));
    }
    let sources = sources
        .into_iter()
        .filter(|(file, _)| !test_files.contains(file))
        .map(|(_, source)| source)
        .collect();
    (sources, modules)
}

#[test]
fn top_level_modules_import_without_cycles() {
    let (sources, modules) = library_sources();
    let graph = edges(&sources, &modules, &[]);
    assert_eq!(find_cycle(&graph), None, "import graph of src/: {graph:#?}");
}

#[test]
fn store_submodules_import_without_cycles() {
    let (sources, modules) = library_sources();
    let graph = edges(&sources, &modules, &["store".to_owned()]);
    assert_eq!(
        find_cycle(&graph),
        None,
        "import graph of src/store: {graph:#?}"
    );
}

#[test]
fn the_scanner_sees_nested_use_trees_and_inline_paths() {
    let module = |m: &[&str], code: &str| Source {
        module: m.iter().map(|s| (*s).to_owned()).collect(),
        code: strip_comments_and_strings(code),
    };
    let sources = vec![
        module(&["a"], "use crate::{b::{c::D, self as e}};"),
        module(&["b"], "fn f() { let _ = crate::c::g(); } // crate::a::h"),
        module(
            &["c"],
            "fn f() -> &str { \"crate::a\" }\nuse super::{a, self};",
        ),
    ];
    let modules: BTreeSet<Vec<String>> = ["a", "b", "c"]
        .iter()
        .map(|m| vec![(*m).to_owned()])
        .collect();
    let graph = edges(&sources, &modules, &[]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        graph["b"],
        BTreeSet::from(["c".to_owned()]),
        "a comment is no import"
    );
    assert_eq!(
        graph["c"],
        BTreeSet::from(["a".to_owned()]),
        "a string is no import"
    );
    let through_root = vec![module(&["a"], "use crate::Reexported;")];
    let graph = edges(&through_root, &modules, &[]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec![ROOT.into(), "a".into(), ROOT.into()])
    );
}

#[test]
fn the_scanner_cuts_test_modules_inline_and_in_their_own_files() {
    let code = strip_comments_and_strings(
        "fn f() {}\n#[cfg(test)]\n#[path = \"f_tests.rs\"]\nmod tests;\n\
         #[cfg(test)]\nmod more { use crate::a; }\n#[cfg(test)]\nmod g;\n",
    );
    let (kept, files) = cut_test_modules(&code);
    assert_eq!(files, ["f_tests.rs", "g.rs"]);
    assert!(
        !kept.contains("mod") && !kept.contains("crate::a"),
        "{kept}"
    );
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).ok()?.lines().count();
            (lines > 400).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}

#[test]
fn the_store_has_at_most_three_macros() {
    let mut files = Vec::new();
    rust_files(&src().join("store"), &mut files);
    let macros: usize = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            strip_comments_and_strings(&text)
                .matches("macro_rules!")
                .count()
        })
        .sum();
    assert!(macros <= 3, "{macros} macro_rules! under src/store");
}
