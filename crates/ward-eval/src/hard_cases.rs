//! The hand-written hard-case table (`testdata/hard-cases.tsv`): name pairs with the side of the
//! threshold they must land on, and whether the engine does so today.

/// Which side of the threshold a case must score on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// At or above the threshold: one party.
    Above,
    /// Below the threshold: different parties.
    Below,
}

/// Whether the engine behaves as the case expects today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// It does, and must keep doing so.
    Hold,
    /// It does not yet; the mark must change once it does.
    Pending,
}

/// One hard case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HardCase {
    /// The side of the threshold the score must land on.
    pub expect: Expect,
    /// Whether it does today.
    pub status: CaseStatus,
    /// The name screened.
    pub left: String,
    /// The listed name.
    pub right: String,
    /// `FtM` schema of the left party.
    pub left_schema: String,
    /// `FtM` schema of the right party.
    pub right_schema: String,
    /// Where the case comes from and what it tests.
    pub note: String,
}

/// The header line of the hard-case table.
pub const HARD_CASES_HEADER: &str = "expect\tstatus\tleft\tright\tleft_schema\tright_schema\tnote";

const N_COLUMNS: usize = 7;

impl Expect {
    fn as_str(self) -> &'static str {
        match self {
            Expect::Above => "above",
            Expect::Below => "below",
        }
    }

    /// Whether `score` lands on this side of `threshold`.
    pub fn holds(self, score: f64, threshold: f64) -> bool {
        (score >= threshold) == (self == Expect::Above)
    }
}

impl CaseStatus {
    fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Hold => "hold",
            CaseStatus::Pending => "pending",
        }
    }
}

/// Reads the table (the header line first). The error names the line and the field.
pub fn hard_cases_from_tsv(text: &str) -> Result<Vec<HardCase>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == HARD_CASES_HEADER => {}
        _ => return Err(format!("line 1: expected the header {HARD_CASES_HEADER:?}")),
    }
    let mut cases = Vec::new();
    for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = i + 1;
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != N_COLUMNS {
            return Err(format!("line {line_no}: {} fields, expected {N_COLUMNS}", fields.len()));
        }
        let expect = match fields[0] {
            "above" => Expect::Above,
            "below" => Expect::Below,
            other => return Err(format!("line {line_no}: expect {other:?} is not above or below")),
        };
        let status = match fields[1] {
            "hold" => CaseStatus::Hold,
            "pending" => CaseStatus::Pending,
            other => return Err(format!("line {line_no}: status {other:?} is not hold or pending")),
        };
        cases.push(HardCase {
            expect,
            status,
            left: fields[2].to_string(),
            right: fields[3].to_string(),
            left_schema: fields[4].to_string(),
            right_schema: fields[5].to_string(),
            note: fields[6].to_string(),
        });
    }
    Ok(cases)
}

/// Writes the table with its header line.
pub fn hard_cases_to_tsv(cases: &[HardCase]) -> String {
    let mut out = format!("{HARD_CASES_HEADER}\n");
    for case in cases {
        let fields = [
            case.expect.as_str(),
            case.status.as_str(),
            &case.left,
            &case.right,
            &case.left_schema,
            &case.right_schema,
            &case.note,
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}
