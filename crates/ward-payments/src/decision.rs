//! The answer about one screened message, as `ward payments screen --json` prints it (one per
//! line) and `POST /screen/payment` answers it (one per message of the body): one type, so the
//! two cannot drift.

use crate::model::Message;
use crate::screen::{Decision, PaymentHit, Screening};
use serde::Serialize;

/// One message's decision with every hit, and what identifies the message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageDecision {
    /// The file the message was read from (the CLI); absent for a request body (the API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// ISO `GrpHdr/MsgId` (or the header's `BizMsgIdr`); MT field 20.
    pub message_id: Option<String>,
    /// The UETR (ISO `PmtId/UETR`, MT block 3 field 121), where present.
    pub uetr: Option<String>,
    /// `pacs.008.001.08`, `MT103`, `MT202COV`.
    pub format: String,
    /// Hold or release.
    pub decision: Decision,
    /// Every hit, each with its field path.
    pub hits: Vec<PaymentHit>,
}

impl MessageDecision {
    /// The decision on `message` read from `file` (`None` for a request body).
    pub fn new(file: Option<String>, message: &Message, screening: Screening) -> MessageDecision {
        MessageDecision {
            file,
            message_id: message.message_id.clone(),
            uetr: message.uetr.clone(),
            format: message.format.clone(),
            decision: screening.decision,
            hits: screening.hits,
        }
    }

    /// The best score of the hits, 0 without hits.
    pub fn top_score(&self) -> f32 {
        self.hits.iter().map(|h| h.score).fold(0.0, f32::max)
    }

    /// Whether the message is held.
    pub fn is_hold(&self) -> bool {
        self.decision == Decision::Hold
    }
}
