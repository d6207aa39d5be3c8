//! `GET /_emulator/rules`: the rulebook (`docs/rules.md`), every check the emulator makes
//! that can refuse a request, where it comes from and when it refuses.

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Json;
use crate::runtime::rules::{self, RuleView};

/// The answer: every rule, DingTalk's first, in a stable order.
#[derive(Serialize, ToSchema)]
pub struct Rulebook {
    rules: Vec<RuleView>,
}

/// `GET /_emulator/rules`
#[utoipa::path(get, path = "/rules", tag = "Control plane",
    responses((status = 200, description = "Every rule the code checks, with its provenance, when it is enforced, its source and the errcode or status it answers (docs/rules.md)", body = Rulebook)))]
pub async fn list() -> Json<Rulebook> {
    Json(Rulebook {
        rules: rules::rules().map(RuleView::from).collect(),
    })
}
