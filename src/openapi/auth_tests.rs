use super::*;

#[test]
fn timestamps_are_seconds_or_milliseconds() {
    assert_eq!(parse_timestamp("1687792901").unwrap(), 1_687_792_901_000);
    assert_eq!(parse_timestamp("1687792901123").unwrap(), 1_687_792_901_123);
    for bad in [
        "",
        "168779290",
        "16877929011",
        "-687792901",
        "1687792901.5",
        "abcdefghij",
    ] {
        assert!(parse_timestamp(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_window_is_inclusive_and_reports_by_how_much_it_was_missed() {
    assert!(check_window(1_000_000, 1_300_000, 300_000).is_ok());
    assert!(check_window(1_600_000, 1_300_000, 300_000).is_ok());
    let late = check_window(1_000_000, 1_312_000, 300_000).unwrap_err();
    assert!(late.message.contains("by 12 s"), "{}", late.message);
    assert!(late.message.contains("312 s behind"), "{}", late.message);
    let early = check_window(1_400_500, 1_000_000, 300_000).unwrap_err();
    assert!(early.message.contains("ahead of"), "{}", early.message);
}
