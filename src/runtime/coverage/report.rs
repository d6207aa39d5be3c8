//! The coverage report (`GET /_emulator/coverage`, docs/coverage.md#the-report): per
//! API and tenant, every operation with what it was counted to answer and what of its
//! catalogue it never met, and a summary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{
    catalogue::{catalogue, Clocks, Expected, Traits},
    Coverage,
};
use crate::{
    config::Config,
    http::Api,
    runtime::clock::Clock,
    store::{emulator::CoverageRow, StoreResult},
};

/// Query of `GET /_emulator/coverage`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `dingtalk`, `openapi` or `dingtalk-v1`; all three when absent.
    pub api: Option<String>,
    /// A corpid or appid; every tenant seen when absent.
    pub tenant: Option<String>,
}

// The report. (A `//` comment: a doc comment would become the schema's description.)
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CoverageReport {
    /// The time of the last reset, in the configured zone.
    pub since: String,
    pub summary: CoverageSummary,
    pub operations: Vec<OperationCoverage>,
}

/// Covered and total operations and outcomes of the report's tenants (entries with a
/// `null` tenant are left out).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct CoverageSummary {
    pub operations: CoverageRatio,
    pub outcomes: CoverageRatio,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct CoverageRatio {
    pub covered: u64,
    pub total: u64,
}

/// One operation of one tenant.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OperationCoverage {
    pub api: String,
    /// The corpid or appid; `null` for calls that named no known tenant.
    pub tenant: Option<String>,
    /// Method and route template: `POST /crm/customer/create`.
    pub operation: String,
    pub calls: i64,
    pub outcomes: Vec<OutcomeCount>,
    pub missing: Vec<MissingOutcome>,
}

/// An outcome counted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutcomeCount {
    /// `ok`, `errcode N`, `status N` or `code X`.
    pub outcome: String,
    pub count: i64,
    /// How many of them an injected fault answered.
    pub injected: i64,
}

/// An outcome of the catalogue never counted.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MissingOutcome {
    pub outcome: String,
    pub why: String,
    /// A body for `POST /_emulator/faults` (`{"fault": …}`) or `POST /_emulator/clock`
    /// (`{"clock": …}`) that produces the outcome on the next matching call.
    #[serde(rename = "howTo", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub how_to: Option<Value>,
}

/// The APIs a report can cover, in report order.
pub const APIS: [Api; 3] = [Api::DingTalk, Api::OpenApi, Api::DingTalkV1];

/// The API named `name`, if it is one coverage counts.
pub fn api_named(name: &str) -> Option<Api> {
    APIS.into_iter().find(|api| api.as_str() == name)
}

impl Coverage {
    /// The report of `api` and `tenant` (each `None` for all).
    pub async fn report(
        &self,
        api: Option<Api>,
        tenant: Option<&str>,
        config: &Config,
        clock: &Clock,
        now_ms: i64,
    ) -> StoreResult<CoverageReport> {
        let (rows, since) = self.stored(api, tenant, now_ms).await?;
        let clocks = Clocks {
            token_ttl: config.token_ttl,
            signature_window: config.signature_window,
        };
        let mut report = CoverageReport {
            since: clock.format(since),
            summary: CoverageSummary::default(),
            operations: Vec::new(),
        };
        for api in APIS
            .into_iter()
            .filter(|a| api.is_none_or(|want| want == *a))
        {
            let api_rows: Vec<&CoverageRow> =
                rows.iter().filter(|r| r.api == api.as_str()).collect();
            let mut tenants: Vec<String> = api_rows.iter().map(|r| r.tenant.clone()).collect();
            tenants.dedup();
            if let Some(tenant) = tenant {
                if tenants.is_empty() && self.traits(api, tenant).await?.is_some() {
                    tenants.push(tenant.to_owned());
                }
            }
            for name in tenants {
                let traits = match name.as_str() {
                    "" => None,
                    name => Some(self.traits(api, name).await?.unwrap_or(Traits {
                        mode: config.default_mode,
                        rate_limited: false,
                    })),
                };
                let mine: Vec<&CoverageRow> = api_rows
                    .iter()
                    .copied()
                    .filter(|r| r.tenant == name)
                    .collect();
                for op in self.operations().iter().filter(|op| op.api == api) {
                    let operation = op.name();
                    let counted: Vec<&CoverageRow> = mine
                        .iter()
                        .copied()
                        .filter(|r| r.operation == operation)
                        .collect();
                    let expected = match &traits {
                        Some(traits) => catalogue(op, &name, traits, clocks),
                        // Calls that named no tenant: what they met, no catalogue.
                        None if counted.is_empty() => continue,
                        None => Vec::new(),
                    };
                    let entry = entry(api, &name, operation, &counted, &expected);
                    if traits.is_some() {
                        tally(&mut report.summary, &entry, &expected);
                    }
                    report.operations.push(entry);
                }
            }
        }
        Ok(report)
    }

    /// The mode and rate limit of tenant `name` of `api`, if it exists.
    async fn traits(&self, api: Api, name: &str) -> StoreResult<Option<Traits>> {
        Ok(match api {
            Api::OpenApi => self.store.openapi().account(name).await?.map(|a| Traits {
                mode: a.mode,
                rate_limited: false,
            }),
            _ => self
                .store
                .dingtalk()
                .corp_by_corpid(name)
                .await?
                .map(|c| Traits {
                    mode: c.mode,
                    rate_limited: c.rate_limit_per_minute.is_some(),
                }),
        })
    }
}

fn entry(
    api: Api,
    tenant: &str,
    operation: String,
    counted: &[&CoverageRow],
    expected: &[Expected],
) -> OperationCoverage {
    // `ok` first, then the catalogue's order, then the rest by name.
    let rank = |outcome: &str| {
        let at = expected.iter().position(|e| e.met_by(outcome));
        (at.unwrap_or(usize::MAX), outcome.to_owned())
    };
    let mut outcomes: BTreeMap<(usize, String), OutcomeCount> = BTreeMap::new();
    for row in counted {
        outcomes.insert(
            rank(&row.outcome),
            OutcomeCount {
                outcome: row.outcome.clone(),
                count: row.count,
                injected: row.injected,
            },
        );
    }
    let missing = expected
        .iter()
        .filter(|e| !counted.iter().any(|r| e.met_by(&r.outcome)))
        .map(|e| MissingOutcome {
            outcome: e.outcome.clone(),
            why: e.why.clone(),
            how_to: e.how_to.clone(),
        })
        .collect();
    OperationCoverage {
        api: api.as_str().to_owned(),
        tenant: (!tenant.is_empty()).then(|| tenant.to_owned()),
        operation,
        calls: counted.iter().map(|r| r.count).sum(),
        outcomes: outcomes.into_values().collect(),
        missing,
    }
}

/// Adds `entry` to the summary: covered with an `ok`; its outcomes are the union of the
/// catalogue and what it was counted to answer (an instance of a pattern is the
/// pattern's).
fn tally(summary: &mut CoverageSummary, entry: &OperationCoverage, expected: &[Expected]) {
    summary.operations.total += 1;
    if entry.outcomes.iter().any(|o| o.outcome == "ok") {
        summary.operations.covered += 1;
    }
    let beyond = entry
        .outcomes
        .iter()
        .filter(|o| !expected.iter().any(|e| e.met_by(&o.outcome)))
        .count();
    let met = expected.len() - entry.missing.len();
    summary.outcomes.total += (expected.len() + beyond) as u64;
    summary.outcomes.covered += (met + beyond) as u64;
}
