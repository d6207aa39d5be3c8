use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::*;

both_backends! {
    async fn the_clock_advances_and_resets(app: TestApp) {
        let before = app.get_json("/_emulator/clock").await;
        assert_eq!(before["offsetSeconds"], 0);
        assert_eq!(before["now"].as_str().unwrap().len(), 19);

        let moved = json_of(app.post_json("/_emulator/clock", &json!({"advanceSeconds": 7201})).await).await;
        assert_eq!(moved["offsetSeconds"], 7201);
        assert!(moved["nowMs"].as_i64().unwrap() - before["nowMs"].as_i64().unwrap() >= 7_201_000);

        let reset = json_of(app.post_json("/_emulator/clock", &json!({"reset": true})).await).await;
        assert_eq!(reset["offsetSeconds"], 0);
    }

    async fn a_clock_change_needs_exactly_one_instruction(app: TestApp) {
        for body in [json!({}), json!({"advanceSeconds": 1, "reset": true}), json!({"reset": false})] {
            let response = app.post_json("/_emulator/clock", &body).await;
            assert_eq!(response.status(), 400, "{body}");
            assert!(json_of(response).await["error"]["message"].as_str().unwrap().contains("advanceSeconds"));
        }
        let typo = app.post_json("/_emulator/clock", &json!({"advance": 5})).await;
        assert_eq!(typo.status(), 400);
        assert!(json_of(typo).await["error"]["message"].as_str().unwrap().contains("unknown field `advance`"));
        assert_eq!(app.state.clock.offset_secs(), 0);
    }

    async fn the_clock_moves_at_most_a_hundred_years_from_real_time(app: TestApp) {
        // Found by the fuzzer: an advance near i64::MAX overflowed the clock, and every
        // later request panicked.
        let message = |body: Value| body["error"]["message"].as_str().unwrap_or_default().to_owned();
        let huge = app.post_json("/_emulator/clock", &json!({"advanceSeconds": 9_223_372_036_854_775_806_i64})).await;
        assert_eq!(huge.status(), 400);
        assert!(message(json_of(huge).await).contains("advanceSeconds"));
        let most = app.post_json("/_emulator/clock", &json!({"advanceSeconds": 3_153_600_000_i64})).await;
        assert_eq!(most.status(), 200);
        let past = app.post_json("/_emulator/clock", &json!({"advanceSeconds": 1})).await;
        assert_eq!(past.status(), 400);
        assert!(message(json_of(past).await).contains("3153600000 seconds"));
        assert_eq!(app.state.clock.offset_secs(), 3_153_600_000);
        assert_eq!(app.get("/_emulator/health").await.status(), 200);
    }
}
