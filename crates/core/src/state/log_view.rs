//! The log view: one consumer's error lines, newest first. It follows new lines as they arrive, or holds still
//! (scrolling down stops following, so what is read does not move); a typed filter keeps the lines containing
//! it; grouping shows each fingerprint once with its count and when it was first and last seen.

use chrono::{DateTime, Utc};

use super::{Notice, PaneId, Popup, State};
use crate::action::Action;
use crate::model::{ErrorGroup, KeptLine};

/// The log view's state.
#[derive(Debug, Clone, PartialEq)]
pub struct LogView {
    /// The consumer function whose lines it shows.
    pub function: String,
    /// Whether the newest lines show as they arrive; off, the view holds at `pinned`.
    pub follow: bool,
    /// While not following: the last line that had arrived (its `seq`) and its time, so lines arriving later —
    /// a late line logged before it included — do not move the view.
    pub pinned: Option<(u64, DateTime<Utc>)>,
    /// Groups by fingerprint instead of lines.
    pub grouped: bool,
    /// Only lines whose text contains this, ignoring case.
    pub filter: String,
    /// Whether the filter is being typed (keys go to it).
    pub typing: bool,
    /// Rows scrolled past from the top (the newest).
    pub offset: usize,
}

/// What the log view lists, newest first.
#[derive(Debug, Clone, PartialEq)]
pub enum LogRows<'a> {
    /// The lines one by one.
    Lines(Vec<&'a KeptLine>),
    /// The groups, most lines first.
    Groups(Vec<&'a ErrorGroup>),
}

impl LogRows<'_> {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            LogRows::Lines(l) => l.len(),
            LogRows::Groups(g) => g.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl State {
    /// The consumer the selected row stands for: a Functions row's function, a queue's consumer, a DLQ's source
    /// queue's consumer; else the one consumer whose logs are read, when there is exactly one.
    fn selected_consumer(&self) -> Option<String> {
        let rows = self.rows();
        let sel = self.ui.selected(self.ui.focus);
        let consumer_of = |queue: &str| self.data.queues.iter().find(|q| q.name == queue)?.consumer.clone();
        let selected = match self.ui.focus {
            PaneId::Functions => rows.deploys().get(sel).map(|d| d.function().to_string()),
            PaneId::Queues => rows.queues().get(sel).and_then(|q| consumer_of(&q.name)),
            PaneId::Dlqs => rows.dlqs().get(sel).and_then(|d| d.sources.queues().first().and_then(|q| consumer_of(q))),
            _ => None,
        };
        selected.or_else(|| (self.data.logs.len() == 1).then(|| self.data.logs.keys().next().cloned()).flatten())
    }

    /// Opens the log view of the selected consumer, or says why not.
    pub(super) fn open_logs(&mut self) {
        match self.selected_consumer() {
            Some(function) => {
                self.ui.popup = Some(Popup::Logs(Box::new(LogView {
                    function,
                    follow: true,
                    pinned: None,
                    grouped: false,
                    filter: String::new(),
                    typing: false,
                    offset: 0,
                })));
            }
            None => {
                self.notice = Some(Notice::Info(
                    "no consumer selected: select a Functions or Queues row for its log view".to_string(),
                ))
            }
        }
    }

    /// The log view's rows as the view shows them: filtered, newest first, held at `pinned` when not following.
    pub fn log_rows<'a>(&'a self, view: &LogView) -> LogRows<'a> {
        let Some(logs) = self.data.logs.get(&view.function) else { return LogRows::Lines(Vec::new()) };
        let needle = view.filter.to_lowercase();
        let matches = |text: &str| needle.is_empty() || text.to_lowercase().contains(&needle);
        if view.grouped {
            let groups = logs.top_groups(DateTime::<Utc>::MIN_UTC).into_iter().filter(|g| matches(&g.sample));
            return LogRows::Groups(groups.collect());
        }
        let held = |l: &&KeptLine| view.pinned.is_none_or(|(seq, _)| l.seq <= seq);
        LogRows::Lines(logs.lines.iter().rev().filter(held).filter(|l| matches(&l.message)).collect())
    }

    /// An action in the log view (keymap mode `logs`).
    pub(super) fn logs_action(&mut self, action: Action) {
        let newest = |s: &State, f: &str| {
            let lines = &s.data.logs.get(f)?.lines;
            let seq = lines.iter().map(|l| l.seq).max()?;
            Some((seq, lines.iter().map(|l| l.at).max()?))
        };
        let Some(Popup::Logs(view)) = &self.ui.popup else { return };
        let mut view = view.clone();
        match action {
            Action::Close => {
                self.ui.popup = None;
                return;
            }
            Action::ToggleFollow => {
                view.follow = !view.follow;
                view.pinned = if view.follow { None } else { newest(self, &view.function) };
                view.offset = 0;
            }
            Action::ToggleGrouping => {
                view.grouped = !view.grouped;
                view.offset = 0;
            }
            Action::Filter => view.typing = true,
            // Out of habit: say which keys leave the view and quit, rather than nothing.
            Action::HowToQuit => self.notice = Some(super::Notice::HowToQuit),
            // Help from the log view: the overlay lists every mode's keys, this one's included.
            Action::Help => {
                // At its end, where the log view's keys are (the view clamps the offset to what it can show).
                self.ui.under_help = self.ui.popup.replace(Popup::Help { offset: usize::MAX });
                return;
            }
            Action::SelectNext => {
                // Reading back: hold the view where it is.
                if view.follow && !view.grouped {
                    view.follow = false;
                    view.pinned = newest(self, &view.function);
                }
                let last = self.log_rows(&view).len().saturating_sub(1);
                view.offset = (view.offset + 1).min(last);
            }
            Action::SelectPrev => view.offset = view.offset.saturating_sub(1),
            _ => {}
        }
        self.ui.popup = Some(Popup::Logs(view));
    }
}
