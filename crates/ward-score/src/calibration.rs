//! Reading a raw score as a probability that the pair is one party: a non-decreasing map fitted
//! by isotonic regression on mined name pairs (`ward eval calibrate` writes
//! `data/calibration.tsv`, compiled in here).

use std::sync::OnceLock;

/// The fitted table, compiled in.
const EMBEDDED: &str = include_str!("../data/calibration.tsv");

/// The header line of the calibration table.
pub const CALIBRATION_HEADER: &str = "raw\tprobability\tcount";

/// A non-decreasing map from raw score to probability: linear between the fitted points (the
/// mean raw score of each isotonic step and its share of true pairs), flat beyond the ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// (raw score, probability), raw increasing, probability non-decreasing.
    points: Vec<(f32, f32)>,
}

impl Calibration {
    /// The compiled-in table.
    pub fn embedded() -> &'static Calibration {
        static EMBEDDED_TABLE: OnceLock<Calibration> = OnceLock::new();
        // The table is written by `ward eval calibrate` and checked by this crate's tests, so a
        // parse failure is a build defect; no points then means the identity map.
        EMBEDDED_TABLE
            .get_or_init(|| Calibration::parse(EMBEDDED).unwrap_or(Calibration { points: Vec::new() }))
    }

    /// Reads a table (the header line first). The error names the line.
    pub fn parse(text: &str) -> Result<Calibration, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header == CALIBRATION_HEADER => {}
            _ => return Err(format!("line 1: expected the header {CALIBRATION_HEADER:?}")),
        }
        let mut points: Vec<(f32, f32)> = Vec::new();
        for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
            let line_no = i + 1;
            let fields: Vec<&str> = line.split('\t').collect();
            let number = |column: usize, name: &str| -> Result<f32, String> {
                fields
                    .get(column)
                    .and_then(|f| f.parse::<f32>().ok())
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| format!("line {line_no}: {name} is not a number in [0, 1]"))
            };
            let point = (number(0, "raw")?, number(1, "probability")?);
            if let Some(&(raw, probability)) = points.last() {
                if point.0 <= raw || point.1 < probability {
                    return Err(format!(
                        "line {line_no}: raw must increase and probability must not decrease"
                    ));
                }
            }
            points.push(point);
        }
        Ok(Calibration { points })
    }

    /// The probability that a pair scored `raw` is one party.
    pub fn probability(&self, raw: f32) -> f32 {
        let points = &self.points;
        let (Some(first), Some(last)) = (points.first(), points.last()) else { return raw };
        if raw <= first.0 {
            return first.1;
        }
        if raw >= last.0 {
            return last.1;
        }
        let upper = points.partition_point(|p| p.0 <= raw);
        let ((x0, y0), (x1, y1)) = (points[upper - 1], points[upper]);
        y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
    }

    /// The lowest raw score whose probability reaches `probability`, or `None` if none does.
    pub fn raw_for(&self, probability: f32) -> Option<f32> {
        let points = &self.points;
        let Some(first) = points.first() else { return Some(probability) };
        if probability <= first.1 {
            return Some(0.0);
        }
        let upper = points.iter().position(|p| p.1 >= probability)?;
        let ((x0, y0), (x1, y1)) = (points[upper - 1], points[upper]);
        Some(x0 + (x1 - x0) * (probability - y0) / (y1 - y0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Calibration {
        Calibration::parse("raw\tprobability\tcount\n0.1\t0.0\t5\n0.5\t0.4\t5\n0.9\t0.9\t5\n")
            .expect("parses")
    }

    #[test]
    fn probability_interpolates_and_raw_for_inverts_it() {
        let calibration = table();
        let check = |raw: f32, expect: f32| {
            let got = calibration.probability(raw);
            assert!((got - expect).abs() < 1e-6, "{raw}: {got} vs {expect}");
        };
        check(0.0, 0.0);
        check(0.3, 0.2);
        check(0.7, 0.65);
        check(1.0, 0.9);
        for raw in [0.2f32, 0.5, 0.8] {
            let back = calibration.raw_for(calibration.probability(raw)).expect("reachable");
            assert!((back - raw).abs() < 1e-5, "{raw} -> {back}");
        }
        assert_eq!(calibration.raw_for(0.95), None);
        assert_eq!(calibration.raw_for(0.0), Some(0.0));
    }

    #[test]
    fn bad_tables_name_the_line() {
        let check = |text: &str, expect: &str| {
            let err = Calibration::parse(text).expect_err(text);
            assert!(err.contains(expect), "{err}");
        };
        check("raw\n", "line 1");
        check("raw\tprobability\tcount\n0.5\tx\t1\n", "line 2: probability");
        check("raw\tprobability\tcount\n0.5\t0.5\t1\n0.4\t0.6\t1\n", "line 3: raw must increase");
    }

    #[test]
    fn the_embedded_table_parses_and_rises() {
        let table = Calibration::parse(EMBEDDED).expect("data/calibration.tsv parses");
        assert!(table.points.len() >= 2);
        assert!(table.probability(0.0) <= table.probability(1.0));
    }
}
