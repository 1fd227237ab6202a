//! When to draw. Frames from data wait for the clock's next tick; frames for the user come at once. The feeds
//! answer just after the clock ticks, so drawing each answer as it came made two or three frames a second where
//! one shows the same: on an idle dashboard that was most of its CPU and terminal traffic. Data is at most a
//! second late.

use super::AppEvent;

/// Whether a frame is due.
#[derive(Debug)]
pub(super) struct FramePacing {
    urgent: bool,
    ticked: bool,
}

impl Default for FramePacing {
    fn default() -> Self {
        // The first frame comes at once.
        Self { urgent: true, ticked: false }
    }
}

impl FramePacing {
    /// Keys, resizes, operation progress and notices are drawn at once.
    pub fn saw(&mut self, event: &AppEvent) {
        self.urgent |= !matches!(event, AppEvent::Telemetry { .. } | AppEvent::Shared(_));
    }

    /// The clock ticked.
    pub fn ticked(&mut self) {
        self.ticked = true;
    }

    /// Whether to draw now, given whether anything visible changed.
    pub fn due(&mut self, dirty: bool) -> bool {
        if !dirty {
            // A key that changed nothing leaves no urgency behind for the next data frame.
            self.urgent = false;
            return false;
        }
        self.urgent || self.ticked
    }

    /// A frame was drawn.
    pub fn drawn(&mut self) {
        self.urgent = false;
        self.ticked = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warroom_core::keymap::{Key, KeyCode};
    use warroom_core::model::Feed;

    fn data() -> AppEvent {
        AppEvent::Telemetry { feed: Feed::Fast, result: Ok(Vec::new()) }
    }

    #[test]
    fn data_frames_wait_for_the_tick_and_user_frames_do_not() {
        let mut frames = FramePacing::default();
        assert!(frames.due(true), "the first frame comes at once");
        frames.drawn();
        frames.saw(&data());
        assert!(!frames.due(true), "an answer just after a tick waits for the next one");
        frames.ticked();
        assert!(frames.due(true));
        frames.drawn();
        frames.saw(&AppEvent::Resize);
        assert!(frames.due(true), "a resize is drawn at once");
        frames.drawn();
        frames.saw(&AppEvent::Key(Key::plain(KeyCode::Char('j'))));
        assert!(!frames.due(false), "nothing changed: nothing to draw");
        frames.saw(&data());
        assert!(!frames.due(true), "a key that changed nothing leaves no urgency for data");
    }
}
