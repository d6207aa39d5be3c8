//! `crm-emulator coverage` (docs/coverage.md#the-command): asks a running emulator for
//! its integration coverage report, prints it as text, JSON or JUnit XML, and exits 1
//! when a threshold or a required outcome is not met — a CI gate after a team's tests
//! ran against the emulator. Exits 2 when the emulator cannot be reached or refuses.

mod http;
mod render;

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::runtime::coverage::{CoverageReport, OperationCoverage};

/// The flags of `crm-emulator coverage`.
#[derive(Args, Debug, Clone)]
pub struct CoverageArgs {
    /// The emulator's base URL (`http://HOST:PORT`).
    #[arg(long)]
    pub url: String,
    /// Only this API: `dingtalk`, `openapi` or `dingtalk-v1`.
    #[arg(long)]
    pub api: Option<String>,
    /// Only this tenant (a corpid or appid).
    #[arg(long)]
    pub tenant: Option<String>,
    /// The share of operations (in per cent) that must have met `ok`.
    #[arg(long, default_value_t = 0.0, value_name = "PCT")]
    pub min_operations: f64,
    /// The share of outcomes (in per cent) that must have been met.
    #[arg(long, default_value_t = 0.0, value_name = "PCT")]
    pub min_outcomes: f64,
    /// Outcomes some operation of the report must have met, comma-separated
    /// (`errcode 42001,status 401`).
    #[arg(long, value_delimiter = ',', value_name = "OUTCOME,...")]
    pub require: Vec<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The server's `--admin-token`, sent as the bearer.
    #[arg(long, env = "CRM_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
}

/// The printed form of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table per API, a line per operation, its missing outcomes and how to get them.
    Text,
    /// The report as `GET /_emulator/coverage` answers it.
    Json,
    /// JUnit XML: one testcase per operation, failed when below the thresholds.
    Junit,
}

/// What the thresholds and `--require` decide.
pub struct Verdict {
    /// Why the gate fails, one line each; empty when it passes.
    pub unmet: Vec<String>,
}

/// `part` of `whole` in per cent (100 for nothing to cover).
pub fn percent(part: u64, whole: u64) -> f64 {
    match whole {
        0 => 100.0,
        whole => part as f64 * 100.0 / whole as f64,
    }
}

impl CoverageArgs {
    /// Whether `entry` falls below the thresholds (entries of no tenant never do).
    pub fn below(&self, entry: &OperationCoverage) -> bool {
        if entry.tenant.is_none() {
            return false;
        }
        let covered = entry.outcomes.iter().any(|o| o.outcome == "ok");
        let known = entry.outcomes.len() + entry.missing.len();
        let met = percent(entry.outcomes.len() as u64, known as u64);
        (self.min_operations > 0.0 && !covered) || met < self.min_outcomes
    }

    /// The gate's verdict on `report`.
    pub fn judge(&self, report: &CoverageReport) -> Verdict {
        let mut unmet = Vec::new();
        let summary = &report.summary;
        let checks = [
            ("operations", &summary.operations, self.min_operations),
            ("outcomes", &summary.outcomes, self.min_outcomes),
        ];
        for (what, ratio, min) in checks {
            let got = percent(ratio.covered, ratio.total);
            if got < min || (min > 0.0 && ratio.total == 0) {
                unmet.push(format!(
                    "{what}: {:.1} % covered ({} of {}), below --min-{what} {min}",
                    got, ratio.covered, ratio.total
                ));
            }
        }
        for required in &self.require {
            let required = required.trim();
            let met = report.operations.iter().any(|e| {
                e.outcomes
                    .iter()
                    .any(|o| o.outcome == required && o.count > 0)
            });
            if !required.is_empty() && !met {
                unmet.push(format!("required outcome {required:?} was never met"));
            }
        }
        Verdict { unmet }
    }
}

/// Runs the command: 0 when every threshold and required outcome is met, 1 when not,
/// 2 when the report could not be had.
pub fn run(args: &CoverageArgs) -> ExitCode {
    let (report, body) = match fetch(args) {
        Ok(fetched) => fetched,
        Err(message) => {
            eprintln!("crm-emulator coverage: {message}");
            return ExitCode::from(2);
        }
    };
    let verdict = args.judge(&report);
    let printed = match args.format {
        Format::Json => format!("{}\n", body.trim_end()),
        Format::Text => render::text(&report, &verdict),
        Format::Junit => render::junit(args, &report),
    };
    print!("{printed}");
    for line in &verdict.unmet {
        eprintln!("crm-emulator coverage: {line}");
    }
    match verdict.unmet.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

/// The report, parsed and as sent.
fn fetch(args: &CoverageArgs) -> Result<(CoverageReport, String), String> {
    let base = url::Url::parse(&args.url).map_err(|e| format!("--url {:?}: {e}", args.url))?;
    let mut url = base
        .join("_emulator/coverage")
        .map_err(|e| format!("--url {:?}: {e}", args.url))?;
    if !base.path().ends_with('/') {
        url.set_path(&format!("{}/_emulator/coverage", base.path()));
    }
    {
        let mut query = url.query_pairs_mut();
        if let Some(api) = &args.api {
            query.append_pair("api", api);
        }
        if let Some(tenant) = &args.tenant {
            query.append_pair("tenant", tenant);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let answer = http::get(&url, args.admin_token.as_deref())?;
    let body = String::from_utf8_lossy(&answer.body).into_owned();
    if answer.status != 200 {
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| body.trim().chars().take(300).collect());
        return Err(format!("{url} answered HTTP {}: {message}", answer.status));
    }
    let report = serde_json::from_str(&body)
        .map_err(|e| format!("{url} answered something that is not a coverage report: {e}"))?;
    Ok((report, body))
}
