//! A batch's results as CSV for the operator's own books: one line per
//! card (masked code only), its state, payout, cancel fee and timestamps.
//! UTF-8 with a BOM so Excel (and WPS) open Chinese text correctly;
//! amounts as plain yuan numbers so spreadsheets can add them up.

use super::run::BatchRun;
use crate::core::money::Fen;
use crate::core::order::{Ledger, Phase};
use crate::i18n::Texts;
use chrono::{DateTime, FixedOffset, Utc};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `1234.50` (no currency sign: a number for spreadsheets).
fn yuan(f: Fen) -> String {
    let sign = if f.0 < 0 { "-" } else { "" };
    let a = f.0.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

fn local(t: Option<DateTime<Utc>>, offset: FixedOffset) -> String {
    t.map(|t| {
        t.with_timezone(&offset)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    })
    .unwrap_or_default()
}

/// The CSV bytes (headers and states in the current language).
pub fn results_csv(
    run: &BatchRun,
    ledger: &Ledger,
    tr: &Texts,
    offset: FixedOffset,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    let headers = [
        "results.row",
        "results.order",
        "results.code",
        "results.face_value",
        "results.state",
        "results.payout",
        "results.cancel_fee",
        "results.released_at",
        "results.window_ends",
        "results.batch",
    ];
    w.write_record(headers.iter().map(|k| tr.get(k)))?;
    for item in &run.items {
        let order = item.order.as_ref().and_then(|o| ledger.get(o));
        let state = match order {
            Some(o) => tr.get(o.phase.label_key()).to_owned(),
            None => tr.get("results.not_sent").to_owned(),
        };
        let payout = match order {
            Some(o) if o.phase.is_released() && o.phase != Phase::Cancelled => yuan(o.payout),
            _ => yuan(Fen::ZERO),
        };
        w.write_record([
            item.row.to_string(),
            item.order
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            item.masked.clone(),
            yuan(item.face_value),
            state,
            payout,
            yuan(order.and_then(|o| o.fee_paid).unwrap_or(Fen::ZERO)),
            local(order.and_then(|o| o.released_at), offset),
            local(order.and_then(|o| o.window_ends), offset),
            run.id.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_yuan_numbers() {
        assert_eq!(yuan(Fen(123_450)), "1234.50");
        assert_eq!(yuan(Fen(-5)), "-0.05");
        assert_eq!(yuan(Fen::ZERO), "0.00");
    }
}
