//! The limit warning's rate limit.

use super::{LimitWarning, LIMIT_WARNING_INTERVAL};
use std::time::{Duration, Instant};

/// Feeds over-limit connections at the given offsets and checks which ones warn, with what count.
fn check(offsets: &[Duration], expect: &[Option<u64>]) {
    let warning = LimitWarning::new();
    let start = Instant::now();
    let warned: Vec<Option<u64>> = offsets.iter().map(|&offset| warning.over_limit(start + offset)).collect();
    assert_eq!(warned, expect);
}

#[test]
fn warns_once_per_interval_with_the_refused_count() {
    let second = Duration::from_secs(1);
    check(
        &[Duration::ZERO, second, 2 * second, LIMIT_WARNING_INTERVAL, LIMIT_WARNING_INTERVAL + second],
        &[Some(1), None, None, Some(3), None],
    );
}
