//! The rows each pane shows, after the filter: one definition shared by rendering, selection and operations,
//! so the row an operation key acts on is exactly the row the screen highlights.

use super::{PaneId, State};
use crate::model::{
    AlarmStatus, ClusterStatus, DlqStatus, EventSourceMapping, FunctionStatus, InstanceStatus, Qualifier, QueueStatus,
    TimelineEvent,
};

/// One row of the Functions pane: an alias, or a queue's mapping that invokes no alias (a version or `$LATEST`),
/// which has no alias row to show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeployRow<'a> {
    /// A function alias (ListAliases), with the mappings that invoke it.
    Alias(&'a FunctionStatus),
    /// An event source mapping pinned to a version or invoking `$LATEST`.
    Mapping(&'a EventSourceMapping),
}

impl DeployRow<'_> {
    /// The function's name.
    pub fn function(&self) -> &str {
        match self {
            DeployRow::Alias(f) => &f.name,
            DeployRow::Mapping(m) => &m.function,
        }
    }
}

/// The panes' rows, borrowed from the state.
pub struct Rows<'a> {
    state: &'a State,
}

impl<'a> Rows<'a> {
    /// The rows of `state`.
    pub fn new(state: &'a State) -> Self {
        Self { state }
    }

    fn keep(&self, name: &str) -> bool {
        self.state.ui.matches(name)
    }

    /// Alarms whose name or resource passes the filter, ALARM first.
    pub fn alarms(&self) -> Vec<&'a AlarmStatus> {
        self.state
            .data
            .alarms
            .iter()
            .filter(|a| self.keep(&a.name) || a.resources.iter().any(|r| self.keep(r)))
            .collect()
    }

    /// Source queues whose name passes the filter.
    pub fn queues(&self) -> Vec<&'a QueueStatus> {
        self.state.data.queues.iter().filter(|q| self.keep(&q.name)).collect()
    }

    /// DLQs whose name or source passes the filter.
    pub fn dlqs(&self) -> Vec<&'a DlqStatus> {
        self.state
            .data
            .dlqs
            .iter()
            .filter(|d| self.keep(&d.name) || d.sources.queues().iter().any(|q| self.keep(q)))
            .collect()
    }

    /// DB instances (with their cluster) whose id or cluster passes the filter.
    pub fn instances(&self) -> Vec<(&'a ClusterStatus, &'a InstanceStatus)> {
        self.state.data.instances().filter(|(c, i)| self.keep(&c.id) || self.keep(&i.id)).collect()
    }

    /// Clusters the last answer listed no instances for (being created, or the field was left out): shown, but
    /// there is no instance row to select.
    pub fn clusters_without_instances(&self) -> Vec<&'a ClusterStatus> {
        self.state.data.clusters.iter().filter(|c| c.members.is_empty() && self.keep(&c.id)).collect()
    }

    /// Function aliases whose function passes the filter.
    pub fn functions(&self) -> Vec<&'a FunctionStatus> {
        self.state.data.functions.iter().filter(|f| self.keep(&f.name)).collect()
    }

    /// The Functions pane's rows: every alias, then each watched queue's mapping that invokes a version or
    /// `$LATEST` (what runs there has no alias row), whose function or queue passes the filter.
    pub fn deploys(&self) -> Vec<DeployRow<'a>> {
        let aliases = self.functions().into_iter().map(DeployRow::Alias);
        let direct = self
            .state
            .data
            .mappings
            .values()
            .flatten()
            .filter(|m| !matches!(m.qualifier, Qualifier::Alias(_)))
            .filter(|m| self.keep(&m.function) || self.keep(&m.queue))
            .map(DeployRow::Mapping);
        aliases.chain(direct).collect()
    }

    /// The queues' mappings that invoke `function:alias`.
    pub fn invoking(&self, function: &str, alias: &str) -> Vec<&'a EventSourceMapping> {
        let data = &self.state.data;
        data.mappings
            .values()
            .flatten()
            .filter(|m| m.function == function && m.qualifier.alias() == Some(alias))
            .collect()
    }

    /// Newest first.
    pub fn timeline(&self) -> Vec<&'a TimelineEvent> {
        self.state
            .data
            .timeline
            .iter()
            .rev()
            .filter(|e| self.keep(&e.text) || e.resource.as_deref().is_some_and(|r| self.keep(r)))
            .collect()
    }

    /// How many rows `pane` has.
    pub fn len(&self, pane: PaneId) -> usize {
        match pane {
            PaneId::Alarms => self.alarms().len(),
            PaneId::Queues => self.queues().len(),
            PaneId::Dlqs => self.dlqs().len(),
            PaneId::Database => self.instances().len(),
            PaneId::Functions => self.deploys().len(),
            PaneId::Timeline => self.timeline().len(),
        }
    }

    /// The Functions pane's selected row.
    pub fn selected_deploy(&self) -> Option<DeployRow<'a>> {
        self.deploys().get(self.state.ui.selected(PaneId::Functions)).copied()
    }

    /// The Functions pane's selected alias: what the rollback key acts on.
    pub fn selected_function(&self) -> Option<&'a FunctionStatus> {
        match self.selected_deploy()? {
            DeployRow::Alias(f) => Some(f),
            DeployRow::Mapping(_) => None,
        }
    }

    /// The Queues pane's selected queue: what the pause, resume and throttle keys act on.
    pub fn selected_queue(&self) -> Option<&'a QueueStatus> {
        self.queues().get(self.state.ui.selected(PaneId::Queues)).copied()
    }

    /// The Database pane's selected instance: what the reboot and failover keys act on.
    pub fn selected_instance(&self) -> Option<(&'a ClusterStatus, &'a InstanceStatus)> {
        self.instances().get(self.state.ui.selected(PaneId::Database)).copied()
    }

    /// The DLQ pane's selected DLQ: what the redrive keys act on.
    pub fn selected_dlq(&self) -> Option<&'a DlqStatus> {
        self.dlqs().get(self.state.ui.selected(PaneId::Dlqs)).copied()
    }
}
