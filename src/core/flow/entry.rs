//! Which entry steps of a draft are already on the journal, so that each is
//! journaled once, when it becomes valid (never keystrokes).

use crate::core::draft::{Draft, DraftCheck, RetypeState};
use crate::core::event::Event;
use crate::core::ids::ChannelId;
use crate::core::money::Fen;
use crate::core::profile::ChannelProfile;
use crate::core::session::Session;

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct EntrySteps {
    channel: Option<ChannelId>,
    code_fingerprint: Option<String>,
    verification: bool,
    face: Option<Fen>,
    face_retyped: bool,
}

impl EntrySteps {
    /// The steps that became valid since they were last journaled, marked
    /// as journaled now (a refused write is reported, not retried each frame).
    pub(super) fn due(
        &mut self,
        session: &Session,
        draft: &Draft,
        profile: &ChannelProfile,
        check: &DraftCheck,
    ) -> Vec<Event> {
        let mut steps = Vec::new();
        // The channel counts as chosen once the person starts on the draft.
        let started = !draft.code_raw.is_empty() || draft.face_value.is_some();
        if started && self.channel.as_ref() != Some(&profile.id) {
            self.channel = Some(profile.id.clone());
            steps.push(Event::ChannelChosen {
                channel: profile.id.clone(),
            });
        }
        if let Some(secret) = check.code.secret() {
            let fp = session.fingerprint(&secret);
            if self.code_fingerprint.as_ref() != Some(&fp) {
                let already_released = session.ledger().released_with(&fp).is_some();
                self.code_fingerprint = Some(fp.clone());
                steps.push(Event::CodeEntered {
                    masked: secret.masked(),
                    fingerprint: fp,
                    pasted: draft.code_pasted,
                    confusables: check.code.confusables.len(),
                    already_released,
                });
            }
        }
        let verification_ok = matches!(check.verification, Some(Ok(())));
        if verification_ok && !self.verification {
            self.verification = true;
            steps.push(Event::VerificationCodeEntered {
                masked: "••••••".into(),
            });
        } else if !verification_ok {
            self.verification = false;
        }
        if let Some(f) = draft.face_value {
            let retyped = check.retype == RetypeState::Matches;
            if self.face != Some(f) || (retyped && !self.face_retyped) {
                self.face = Some(f);
                self.face_retyped = retyped;
                steps.push(Event::FaceValueSet {
                    face_value_fen: f,
                    retyped,
                });
            }
        }
        steps
    }
}
