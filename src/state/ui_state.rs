//! Focus, selection, filter and popups: the parts of the state that only the screen cares about.

use crate::ops::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Alarms,
    Queues,
    Dlqs,
    Database,
    Deploys,
    Timeline,
}

impl PaneId {
    /// Tab order.
    pub const ALL: [PaneId; 6] =
        [PaneId::Alarms, PaneId::Queues, PaneId::Dlqs, PaneId::Database, PaneId::Deploys, PaneId::Timeline];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Alarms => "Alarms",
            PaneId::Queues => "Queues",
            PaneId::Dlqs => "Dead-letter queues",
            PaneId::Database => "Database",
            PaneId::Deploys => "Deploys",
            PaneId::Timeline => "Timeline",
        }
    }
}

/// The resource a detail view shows, by name so it survives rows reordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailTarget {
    Alarm(String),
    Queue(String),
    Dlq(String),
    Instance { cluster: String, instance: String },
    Function(String),
    Event(usize),
}

/// Redrive rates the plan offers (messages per second); Up/Down choose. `None` lets SQS pick.
pub const REDRIVE_RATES: [Option<u32>; 7] = [Some(1), Some(5), Some(10), Some(50), Some(100), Some(500), None];
pub const DEFAULT_REDRIVE_RATE_INDEX: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub struct PlanPopup {
    pub plan: Plan,
    /// What the operator has typed to confirm.
    pub typed: String,
    /// Why this plan cannot be confirmed (read-only, no journal); shown instead of the input.
    pub blocked: Option<String>,
    pub rate_index: usize,
    /// Redrive only: 0 sends messages back to their source queues, n to the n-th queue in the queue pane.
    pub destination_index: usize,
}

impl PlanPopup {
    pub fn confirmable(&self) -> bool {
        self.blocked.is_none() && self.typed == self.plan.op.target()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    Help,
    /// Onsets and their suspected changes.
    Changes,
    Plan(Box<PlanPopup>),
    Note(String),
    Filter(String),
    Detail(DetailTarget),
    QuitConfirm,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub focus: PaneId,
    pub selection: [usize; PaneId::ALL.len()],
    pub filter: String,
    pub popup: Option<Popup>,
}

impl Default for UiState {
    fn default() -> Self {
        Self { focus: PaneId::Alarms, selection: [0; PaneId::ALL.len()], filter: String::new(), popup: None }
    }
}

impl UiState {
    pub fn selected(&self, pane: PaneId) -> usize {
        self.selection[pane.index()]
    }

    pub fn matches(&self, name: &str) -> bool {
        self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase())
    }
}
