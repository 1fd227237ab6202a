//! Focus, selection, filter and popups: the parts of the state that only the screen cares about.

use crate::model::{Feed, Subject};
use crate::operation::Plan;

/// The panes, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    /// CloudWatch alarms.
    Alarms,
    /// Source queues.
    Queues,
    /// Dead-letter queues.
    Dlqs,
    /// Functions: each alias and the version it points to, and each queue's mapping that invokes a version or
    /// `$LATEST`.
    Functions,
    /// Database clusters and instances.
    Database,
    /// The timeline.
    Timeline,
}

impl PaneId {
    /// Tab order: the screen's, read as its layouts place the panes (the compact layout's left column then
    /// its right; the rich layout's bands row by row).
    pub const ALL: [PaneId; 6] =
        [PaneId::Alarms, PaneId::Queues, PaneId::Dlqs, PaneId::Functions, PaneId::Database, PaneId::Timeline];

    /// The pane showing a subject's rows.
    pub fn showing(subject: Subject) -> PaneId {
        match subject {
            Subject::Queues => PaneId::Queues,
            Subject::DeadLetterQueues => PaneId::Dlqs,
            Subject::Functions => PaneId::Functions,
            Subject::Databases => PaneId::Database,
            Subject::Alarms => PaneId::Alarms,
            Subject::Changes => PaneId::Timeline,
        }
    }

    /// The feeds whose data the pane shows.
    pub fn feeds(self) -> &'static [Feed] {
        match self {
            PaneId::Queues => &[Feed::Fast, Feed::Metrics],
            PaneId::Dlqs => &[Feed::Fast],
            PaneId::Database | PaneId::Functions => &[Feed::Metrics, Feed::Inventory],
            PaneId::Alarms | PaneId::Timeline => &[Feed::Inventory],
        }
    }

    /// Position in `ALL`, for per-pane arrays (the variants are declared in tab order).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The pane's title.
    pub fn title(self) -> &'static str {
        match self {
            PaneId::Alarms => "Alarms",
            PaneId::Queues => "Queues",
            PaneId::Dlqs => "Dead-letter queues",
            PaneId::Database => "Database",
            PaneId::Functions => "Functions",
            PaneId::Timeline => "Timeline",
        }
    }
}

/// The resource a detail view shows, by name so it survives rows reordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailTarget {
    /// An alarm, by name.
    Alarm(String),
    /// A source queue, by name.
    Queue(String),
    /// A dead-letter queue, by name.
    Dlq(String),
    /// A DB instance of a cluster.
    Instance {
        /// The cluster's identifier.
        cluster: String,
        /// The instance's identifier.
        instance: String,
    },
    /// A function, by name.
    Function(String),
    /// A timeline entry, by its row (newest first, after the filter).
    Event(usize),
}

/// Redrive rates the plan offers (messages per second); the rate keys choose. `None` lets SQS pick.
pub const REDRIVE_RATES: [Option<u32>; 7] = [Some(1), Some(5), Some(10), Some(50), Some(100), Some(500), None];
/// The rate a redrive plan opens with: 10 msg/s.
pub const DEFAULT_REDRIVE_RATE_INDEX: usize = 2;

/// An open plan: the operation it would start, and the confirmation being typed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPopup {
    /// The plan.
    pub plan: Plan,
    /// What the operator has typed to confirm.
    pub typed: String,
    /// Why this plan cannot be confirmed (read-only, no journal); shown instead of the input.
    pub blocked: Option<String>,
    /// Redrive: the chosen rate, an index into `REDRIVE_RATES`; throttle: into `MAX_CONCURRENCY_STEPS`.
    pub rate_index: usize,
    /// Redrive only: 0 sends messages back to their source queues, n to the n-th queue in the queue pane.
    pub destination_index: usize,
    /// A `$LATEST` consumer's rollback: pin the mapping, or restore the code.
    pub way: RollbackWay,
    /// Lines of the plan scrolled past, when the terminal is too short for it (the view says how far it can go:
    /// `Msg::HelpDrawn`).
    pub scroll: usize,
}

/// How the rollback of a `$LATEST` consumer goes back to the earlier version (the other-way key switches).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RollbackWay {
    /// Pin the queue's mapping to the version (UpdateEventSourceMapping): instant, reversible.
    #[default]
    Pin,
    /// Put the version's code back into `$LATEST` (UpdateFunctionCode), publishing a version of it or not.
    Restore {
        /// Whether to publish a version of the restored code.
        publish: bool,
    },
}

impl PlanPopup {
    /// Whether submitting would run it: not blocked, and the typed text is exactly the target's name.
    pub fn confirmable(&self) -> bool {
        self.blocked.is_none() && self.typed == self.plan.op.target()
    }
}

/// What is drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    /// Every mode's keys, scrolled down `offset` lines.
    Help {
        /// Lines scrolled past.
        offset: usize,
    },
    /// Onsets and their suspected changes.
    Changes,
    /// An operation's plan and its confirmation.
    Plan(Box<PlanPopup>),
    /// A note being typed.
    Note(String),
    /// The filter being typed (it applies as it is typed).
    Filter(String),
    /// One resource's detail view.
    Detail(DetailTarget),
    /// "Quit while an operation is in progress?"
    QuitConfirm,
    /// warroom's own AWS calls by API over the last minute, against its budget and each quota, scrolled down
    /// `offset` lines.
    Calls {
        /// Lines scrolled past.
        offset: usize,
    },
    /// The messages the last peek received (`UiState::peeked`), scrolled down `offset` lines.
    Messages {
        /// Lines scrolled past.
        offset: usize,
    },
    /// A consumer's error lines.
    Logs(Box<super::LogView>),
}

/// Focus, selection, filter and the open popup.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    /// The pane keys navigate.
    pub focus: PaneId,
    /// Each pane's selected row, indexed by `PaneId::index`.
    pub selection: [usize; PaneId::ALL.len()],
    /// The filter in force; empty shows everything.
    pub filter: String,
    /// The open popup.
    pub popup: Option<Popup>,
    /// How the screen is coloured (`[theme]`, `--theme`).
    pub theme: crate::config::ThemeName,
    /// The last peek's DLQ and the messages it received, for the messages view.
    pub peeked: Option<(String, Vec<crate::model::PeekedMessage>)>,
    /// The view help was opened over (a detail, the changes, the messages or the log view): closing help goes back
    /// to it, not to the dashboard.
    pub under_help: Option<Popup>,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            focus: PaneId::Alarms,
            selection: [0; PaneId::ALL.len()],
            filter: String::new(),
            popup: None,
            theme: crate::config::ThemeName::Default,
            peeked: None,
            under_help: None,
        }
    }
}

impl UiState {
    /// `pane`'s selected row.
    pub fn selected(&self, pane: PaneId) -> usize {
        self.selection[pane.index()]
    }

    /// Whether `name` passes the filter (case-insensitive substring).
    pub fn matches(&self, name: &str) -> bool {
        self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase())
    }
}
