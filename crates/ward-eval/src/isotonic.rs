//! Isotonic regression by pool adjacent violators: the non-decreasing step function of a score
//! that best fits (least squares) the 0/1 outcomes, used to read raw scores as probabilities.

/// One step of the fitted function: observations with raw scores in `low..=high` get
/// `probability`.
#[derive(Debug, Clone, PartialEq)]
pub struct IsotonicStep {
    /// Lowest raw score in the step.
    pub low: f64,
    /// Highest raw score in the step.
    pub high: f64,
    /// Mean raw score of the step's observations.
    pub mean_raw: f64,
    /// The fitted value: the mean outcome of the step's observations.
    pub probability: f64,
    /// Observations in the step.
    pub count: usize,
}

/// Observations pooled into one step: sums, so that pooling is exact.
struct Block {
    low: f64,
    high: f64,
    raw_sum: f64,
    outcome_sum: f64,
    count: usize,
}

impl Block {
    fn mean(&self) -> f64 {
        self.outcome_sum / self.count as f64
    }
}

/// Fits `(raw score, outcome)` observations; the steps come in increasing score and
/// non-decreasing probability. Observations with one score always share a step.
pub fn isotonic_fit(observations: &[(f64, f64)]) -> Vec<IsotonicStep> {
    let mut sorted = observations.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut blocks: Vec<Block> = Vec::new();
    let mut start = 0;
    while start < sorted.len() {
        let x = sorted[start].0;
        let end = start + sorted[start..].iter().take_while(|(s, _)| s.total_cmp(&x).is_eq()).count();
        let count = end - start;
        let outcome_sum = sorted[start..end].iter().map(|(_, y)| y).sum();
        let mut block = Block { low: x, high: x, raw_sum: x * count as f64, outcome_sum, count };
        // Pool with the previous block while it lies above.
        loop {
            match blocks.pop() {
                Some(previous) if previous.mean() > block.mean() => {
                    block = Block {
                        low: previous.low,
                        high: block.high,
                        raw_sum: previous.raw_sum + block.raw_sum,
                        outcome_sum: previous.outcome_sum + block.outcome_sum,
                        count: previous.count + block.count,
                    };
                }
                Some(previous) => {
                    blocks.push(previous);
                    break;
                }
                None => break,
            }
        }
        blocks.push(block);
        start = end;
    }
    blocks
        .iter()
        .map(|b| IsotonicStep {
            low: b.low,
            high: b.high,
            mean_raw: b.raw_sum / b.count as f64,
            probability: b.mean(),
            count: b.count,
        })
        .collect()
}

/// The fitted value at raw score `x`: that of the step holding `x`, if any.
pub fn isotonic_value(steps: &[IsotonicStep], x: f64) -> Option<f64> {
    steps.iter().find(|s| s.low <= x && x <= s.high).map(|s| s.probability)
}
