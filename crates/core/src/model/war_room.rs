//! The war room's health as the header shows it: whether this session's lines reach the shared log group, and
//! whether the others' lines can be read from it.

/// One side's last report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WarRoomStatus {
    /// The last call to the log group answered.
    Connected,
    /// The last call failed.
    Disconnected {
        /// The failure, naming the call (`logs:PutLogEvents: …`).
        why: String,
        /// Lines waiting to be sent (the writer's side; 0 for the reader).
        queued: usize,
    },
}

/// The writer and the reader report apart: a group that can be read but not written (a missing permission)
/// must still show as disconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// Sending this session's journal lines (logs:PutLogEvents).
    Writing,
    /// Reading the other sessions' lines (logs:FilterLogEvents).
    Reading,
}

/// Both sides' last report, as the header shows it: disconnected if either side is.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WarRoomHealth {
    /// The writer's last report; `None` until it reports (or without a war room).
    pub writing: Option<WarRoomStatus>,
    /// The reader's last report.
    pub reading: Option<WarRoomStatus>,
}

impl WarRoomHealth {
    /// Records a side's report; true when it differs from the last one (something to redraw).
    pub fn update(&mut self, side: Side, status: WarRoomStatus) -> bool {
        let slot = match side {
            Side::Writing => &mut self.writing,
            Side::Reading => &mut self.reading,
        };
        let changed = slot.as_ref() != Some(&status);
        *slot = Some(status);
        changed
    }

    /// Connected once a side has answered and neither is failing; the writer's queue length when one is.
    pub fn summary(&self) -> Option<WarRoomStatus> {
        let failing = [&self.writing, &self.reading].into_iter().flatten().find_map(|s| match s {
            WarRoomStatus::Disconnected { why, .. } => Some(why.clone()),
            WarRoomStatus::Connected => None,
        });
        let queued = match &self.writing {
            Some(WarRoomStatus::Disconnected { queued, .. }) => *queued,
            _ => 0,
        };
        match failing {
            Some(why) => Some(WarRoomStatus::Disconnected { why, queued }),
            None if self.writing.is_some() || self.reading.is_some() => Some(WarRoomStatus::Connected),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_side_failing_is_disconnected_with_the_writers_queue() {
        let mut h = WarRoomHealth::default();
        assert_eq!(h.summary(), None, "not configured or not yet heard from");
        h.update(Side::Reading, WarRoomStatus::Connected);
        assert_eq!(h.summary(), Some(WarRoomStatus::Connected));
        h.update(Side::Writing, WarRoomStatus::Disconnected { why: "AccessDenied".into(), queued: 3 });
        assert_eq!(h.summary(), Some(WarRoomStatus::Disconnected { why: "AccessDenied".into(), queued: 3 }));
        assert!(!h.update(Side::Reading, WarRoomStatus::Connected), "no change, no redraw");
        h.update(Side::Writing, WarRoomStatus::Connected);
        assert_eq!(h.summary(), Some(WarRoomStatus::Connected));
    }
}
