//! The dashboard's own actions: focus, selection, the views over the panes (help, detail, changes), and the
//! popups the operation, note and filter keys open.

use super::{DetailTarget, Effect, Notice, PaneId, Popup, State};
use crate::action::Action;
use crate::model::{EventKind, TimelineEvent};

/// Lines a page key scrolls the help overlay or the messages view: most of what an 80×24 terminal shows of it.
const PAGE: usize = 15;

impl State {
    pub(super) fn dashboard_action(&mut self, action: Action) -> Vec<Effect> {
        // Help and detail views take navigation keys; everything else closes them first.
        if let Some(popup) = &self.ui.popup {
            match (popup, action) {
                // Help closes back to the view it was opened over; over the log view, where q closes, so does q.
                (Popup::Help { .. }, Action::Close | Action::Help) => {
                    self.ui.popup = self.ui.under_help.take();
                    return Vec::new();
                }
                (Popup::Help { .. }, Action::Quit) if matches!(self.ui.under_help, Some(Popup::Logs(_))) => {
                    self.ui.popup = self.ui.under_help.take();
                    return Vec::new();
                }
                (_, Action::Close) | (Popup::Changes, Action::Changes) | (Popup::Calls { .. }, Action::Calls) => {
                    self.ui.popup = None;
                    return Vec::new();
                }
                (Popup::Detail(_) | Popup::Changes | Popup::Calls { .. } | Popup::Messages { .. }, Action::Help) => {
                    self.ui.under_help = self.ui.popup.replace(Popup::Help { offset: 0 });
                    return Vec::new();
                }
                // The scrolling views: a line at a time, or a page. The view says how far each can scroll
                // (Msg::HelpDrawn) and the offset is held there.
                (
                    Popup::Help { offset } | Popup::Messages { offset } | Popup::Calls { offset },
                    Action::SelectNext | Action::SelectPrev | Action::ScrollDown | Action::ScrollUp,
                ) => {
                    let offset = match action {
                        Action::SelectNext => offset.saturating_add(1),
                        Action::SelectPrev => offset.saturating_sub(1),
                        Action::ScrollDown => offset.saturating_add(PAGE),
                        _ => offset.saturating_sub(PAGE),
                    };
                    self.ui.popup = Some(match popup {
                        Popup::Messages { .. } => Popup::Messages { offset },
                        Popup::Calls { .. } => Popup::Calls { offset },
                        _ => Popup::Help { offset },
                    });
                    return Vec::new();
                }
                (Popup::Detail(_), Action::SelectNext | Action::SelectPrev) => {
                    self.move_selection(if action == Action::SelectNext { 1 } else { -1 });
                    self.ui.popup = self.detail_target().map(Popup::Detail);
                    return Vec::new();
                }
                // A view that does not scroll by page stays open: a page key is no reason to close it.
                (_, Action::ScrollDown | Action::ScrollUp) => return Vec::new(),
                _ => {
                    self.ui.popup = None;
                    self.ui.under_help = None;
                }
            }
        }
        match action {
            Action::Help => self.ui.popup = Some(Popup::Help { offset: 0 }),
            Action::HowToQuit => self.notice = Some(Notice::HowToQuit),
            Action::Quit => {
                if self.operations.iter().any(|o| o.phase.in_progress()) {
                    self.ui.popup = Some(Popup::QuitConfirm);
                } else {
                    self.quit = true;
                }
            }
            Action::Filter => self.ui.popup = Some(Popup::Filter(self.ui.filter.clone())),
            // With no view open, close takes away the filter: what esc undoes is what hides rows.
            Action::Close if !self.ui.filter.is_empty() => {
                self.ui.filter.clear();
                self.notice = Some(Notice::Info("filter cleared".to_string()));
            }
            Action::FocusNext | Action::FocusPrev => {
                let n = PaneId::ALL.len();
                let i = self.ui.focus.index();
                let next = if action == Action::FocusNext { (i + 1) % n } else { (i + n - 1) % n };
                self.ui.focus = PaneId::ALL[next];
            }
            Action::SelectNext => self.move_selection(1),
            Action::SelectPrev => self.move_selection(-1),
            Action::OpenDetail => match self.detail_target() {
                Some(target) => self.ui.popup = Some(Popup::Detail(target)),
                // An empty pane (a filter that matches nothing in it): say so rather than nothing.
                None => {
                    let why = if self.ui.filter.is_empty() {
                        format!("nothing to open: the {} pane is empty", self.ui.focus.title())
                    } else {
                        format!(
                            "nothing to open: no match for '{}' in the {} pane",
                            self.ui.filter,
                            self.ui.focus.title()
                        )
                    };
                    self.notice = Some(Notice::Info(why));
                }
            },
            Action::Changes => self.ui.popup = Some(Popup::Changes),
            Action::Calls => self.ui.popup = Some(Popup::Calls { offset: 0 }),
            Action::PollOwn => {
                if self.following.is_none() {
                    let why = "this dashboard polls AWS itself: poll_own is for a follower whose publisher stopped";
                    self.notice = Some(Notice::Info(why.to_string()));
                    return Vec::new();
                }
                if self.session.kind == crate::model::SessionKind::Demo {
                    let why = "the dashboard followed ran the demo: start your own with warroom --demo";
                    self.notice = Some(Notice::Info(why.to_string()));
                    return Vec::new();
                }
                self.notice = Some(Notice::Info("connecting to AWS to poll it from here…".to_string()));
                return vec![Effect::PollOwn];
            }
            Action::AddNote => self.ui.popup = Some(Popup::Note(String::new())),
            Action::ConsumerLogs => self.open_logs(),
            Action::Export => {
                self.notice = Some(Notice::Info("writing the postmortem…".to_string()));
                return vec![Effect::Export];
            }
            // Every operation opens its plan: the command table says which actions are operations.
            operation if operation.is_mutating() => self.open_plan(operation),
            // Not a dashboard action: the keymap never sends it here.
            _ => {}
        }
        Vec::new()
    }

    fn move_selection(&mut self, delta: isize) {
        let pane = self.ui.focus;
        let len = self.rows().len(pane);
        let sel = &mut self.ui.selection[pane.index()];
        *sel = if len == 0 { 0 } else { sel.saturating_add_signed(delta).min(len - 1) };
    }

    pub(super) fn clamp_selections(&mut self) {
        for pane in PaneId::ALL {
            let len = self.rows().len(pane);
            let sel = &mut self.ui.selection[pane.index()];
            *sel = (*sel).min(len.saturating_sub(1));
        }
    }

    fn detail_target(&self) -> Option<DetailTarget> {
        let rows = self.rows();
        let sel = self.ui.selected(self.ui.focus);
        match self.ui.focus {
            PaneId::Alarms => rows.alarms().get(sel).map(|a| DetailTarget::Alarm(a.name.clone())),
            PaneId::Queues => rows.queues().get(sel).map(|q| DetailTarget::Queue(q.name.clone())),
            PaneId::Dlqs => rows.dlqs().get(sel).map(|d| DetailTarget::Dlq(d.name.clone())),
            PaneId::Database => rows
                .instances()
                .get(sel)
                .map(|(c, i)| DetailTarget::Instance { cluster: c.id.clone(), instance: i.id.clone() }),
            PaneId::Functions => rows.deploys().get(sel).map(|d| DetailTarget::Function(d.function().to_string())),
            PaneId::Timeline => (sel < rows.len(PaneId::Timeline)).then_some(DetailTarget::Event(sel)),
        }
    }

    /// Adds a note from this operator to the timeline (the journal line is the app's effect).
    pub(super) fn add_note(&mut self, text: String) -> Vec<Effect> {
        let text = text.trim().to_string();
        if text.is_empty() {
            return Vec::new();
        }
        self.data.push_event(TimelineEvent {
            at: self.now,
            kind: EventKind::Note,
            resource: None,
            text: text.clone(),
            actor: Some(self.author()),
        });
        vec![Effect::JournalNote { text }]
    }

    pub(super) fn set_filter(&mut self, filter: String) {
        self.ui.filter = filter;
        self.clamp_selections();
    }
}
