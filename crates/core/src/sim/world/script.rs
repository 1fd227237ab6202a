//! The scenario's scripted events, played at their minute: deploys, migrations, traffic changes.

use chrono::Duration;

use super::{Migration, World};
use crate::model::{EventKind, MoveSource, cloudtrail_text};
use crate::sim::scenario::{ScriptedEvent, Wiring};

impl World {
    /// Plays every scripted event whose minute has come.
    pub(super) fn run_scripted_events(&mut self) {
        while let Some(event) = self.scenario.events.get(self.next_event).cloned() {
            if self.at_minute(event.at_minute()) > self.now {
                break;
            }
            self.next_event += 1;
            match event {
                ScriptedEvent::Deploy { version, actor, .. } if self.scenario.function.wiring == Wiring::Latest => {
                    // UpdateFunctionCode with that version's package: `$LATEST` runs it at once; the simulated
                    // account's CloudTrail records the call, the next inventory poll reads the new CodeSha256.
                    self.latest_code = version;
                    self.latest_changed = self.now;
                    self.latest_revision += 1;
                    let f = self.scenario.function.name.clone();
                    let text = cloudtrail_text("UpdateFunctionCode", &f);
                    self.emit_event(EventKind::Deploy, Some(&f), text, Some(actor.as_deref().unwrap_or("deploy")));
                }
                ScriptedEvent::Deploy { version, actor, .. } => {
                    self.move_alias(version, actor.as_deref().unwrap_or("deploy"), MoveSource::CloudTrail);
                }
                ScriptedEvent::Migration { text, cpu, ramp_minutes, duration_minutes, actor, sql, .. } => {
                    let db = self.scenario.database.cluster.clone();
                    self.emit_event(EventKind::Change, Some(&db), text.clone(), actor.as_deref());
                    self.migration = Some(Migration {
                        text,
                        sql,
                        cpu,
                        started: self.now,
                        ramp: Duration::milliseconds((ramp_minutes * 60_000.0) as i64),
                        ends: self.now + Duration::milliseconds((duration_minutes * 60_000.0) as i64),
                    });
                }
                ScriptedEvent::Traffic { factor, ramp_minutes, text, .. } => {
                    if let Some(text) = text {
                        let q = self.scenario.queue.name.clone();
                        self.emit_event(EventKind::Change, Some(&q), text, None);
                    }
                    self.traffic_target = factor;
                    self.traffic_step = (factor - self.traffic).abs() / (ramp_minutes * 60.0).max(1.0);
                }
            }
        }
    }
}
