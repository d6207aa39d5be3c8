//! The report as text (a table per API) and as JUnit XML (a testsuite per API, a
//! testcase per operation and tenant).

use std::fmt::Write;

use super::{percent, CoverageArgs, Verdict};
use crate::runtime::coverage::{CoverageReport, OperationCoverage};

/// The report's APIs, in its order.
fn apis(report: &CoverageReport) -> Vec<&str> {
    let mut apis: Vec<&str> = Vec::new();
    for entry in &report.operations {
        if !apis.contains(&entry.api.as_str()) {
            apis.push(&entry.api);
        }
    }
    apis
}

fn tenant(entry: &OperationCoverage) -> &str {
    entry.tenant.as_deref().unwrap_or("(no tenant)")
}

/// A table per API: a line per operation (covered ✓ or not), its missing outcomes with
/// their how-to, then the summary and what the gate found unmet.
pub fn text(report: &CoverageReport, verdict: &Verdict) -> String {
    let mut out = format!("Integration coverage since {}\n", report.since);
    for api in apis(report) {
        let _ = writeln!(out, "\n{api}");
        for entry in report.operations.iter().filter(|e| e.api == api) {
            let covered = entry.outcomes.iter().any(|o| o.outcome == "ok");
            let mark = if covered { "✓" } else { "✗" };
            let met: Vec<String> = entry
                .outcomes
                .iter()
                .map(|o| match o.injected {
                    0 => format!("{} ×{}", o.outcome, o.count),
                    n => format!("{} ×{} ({n} injected)", o.outcome, o.count),
                })
                .collect();
            let line = format!(
                "  {mark} {:<52} {:<16} calls {:>5}  {}",
                entry.operation,
                tenant(entry),
                entry.calls,
                met.join(", ")
            );
            let _ = writeln!(out, "{}", line.trim_end());
            for missing in &entry.missing {
                let how = missing
                    .how_to
                    .as_ref()
                    .map_or_else(String::new, |h| format!("\n        how: {h}"));
                let _ = writeln!(
                    out,
                    "      missing {}: {}{how}",
                    missing.outcome, missing.why
                );
            }
        }
    }
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "\noperations covered: {} of {} ({:.1} %)\noutcomes covered: {} of {} ({:.1} %)",
        summary.operations.covered,
        summary.operations.total,
        percent(summary.operations.covered, summary.operations.total),
        summary.outcomes.covered,
        summary.outcomes.total,
        percent(summary.outcomes.covered, summary.outcomes.total),
    );
    match verdict.unmet.is_empty() {
        true => out.push_str("gate: passed\n"),
        false => {
            out.push_str("gate: FAILED\n");
            for line in &verdict.unmet {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}

/// XML text with its five special characters escaped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML: a testsuite per API, a testcase per operation (named by it, classed by
/// API and tenant), failed when it is below the thresholds, its missing outcomes and
/// their how-to in the failure's text.
pub fn junit(args: &CoverageArgs, report: &CoverageReport) -> String {
    let failed = |e: &OperationCoverage| args.below(e);
    let total = report.operations.len();
    let failures = report.operations.iter().filter(|e| failed(e)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"crm-emulator coverage\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for api in apis(report) {
        let entries: Vec<&OperationCoverage> =
            report.operations.iter().filter(|e| e.api == api).collect();
        let failures = entries.iter().filter(|e| failed(e)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            escape(api),
            entries.len()
        );
        for entry in entries {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&format!("{api}.{}", tenant(entry))),
                escape(&entry.operation)
            );
            if !failed(entry) {
                out.push_str("/>\n");
                continue;
            }
            let covered = entry.outcomes.iter().any(|o| o.outcome == "ok");
            let message = match covered {
                true => format!("{} outcomes never met", entry.missing.len()),
                false => "never answered ok".to_owned(),
            };
            let mut text = String::new();
            for missing in &entry.missing {
                let _ = writeln!(text, "missing {}: {}", missing.outcome, missing.why);
                if let Some(how) = &missing.how_to {
                    let _ = writeln!(text, "  how: {how}");
                }
            }
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&message),
                escape(&text)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
