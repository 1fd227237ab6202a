//! The messages a peek received (SQS ReceiveMessage with a visibility timeout of 0), each with its receive
//! count, when it was sent, its attributes and its body, a JSON body pretty-printed. They stay in the queue:
//! the view says so. It scrolls like the help overlay.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::keymap::Keymap;
use warroom_core::model::PeekedMessage;

use crate::text::{sanitize, wrap};
use crate::{hints, theme};

/// The widest the view gets (cells, with its border): a JSON body reads best a little wider than 80.
const WIDTH: u16 = 120;

/// "received once", "received 4 times".
fn received(count: u32) -> String {
    if count == 1 { "received once".to_string() } else { format!("received {count} times") }
}

/// An attribute's value as a person reads it: SQS's timestamps (`SentTimestamp`,
/// `ApproximateFirstReceiveTimestamp`: epoch milliseconds) as UTC times; anything else as SQS gave it.
fn readable_attribute(name: &str, value: &str) -> String {
    let at = name
        .ends_with("Timestamp")
        .then(|| value.parse::<i64>().ok())
        .flatten()
        .and_then(chrono::DateTime::from_timestamp_millis);
    match at {
        Some(t) => format!("{} ({value})", t.format("%Y-%m-%d %H:%M:%S%.3f UTC")),
        None => value.to_string(),
    }
}

/// Every line of the view for `width` cells.
fn lines(dlq: &str, messages: &[PeekedMessage], width: usize) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{} message{} from {dlq}, left in the queue; each counts one more receive",
            messages.len(),
            if messages.len() == 1 { "" } else { "s" }
        ),
        theme::dim(),
    ))];
    for (i, m) in messages.iter().enumerate() {
        out.push(Line::from(""));
        let sent = m.sent_at.map_or("–".to_string(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string());
        // The number, then the id, receives and sent time, wrapped under the id where the view is narrow.
        let number = format!("#{} ", i + 1);
        let indent = number.chars().count();
        let header = format!("{} · {} · sent {sent}", m.message_id, received(m.receive_count));
        for (j, part) in wrap(&header, width.saturating_sub(indent)).into_iter().enumerate() {
            let head = if j == 0 { Span::styled(number.clone(), theme::bold()) } else { Span::raw(" ".repeat(indent)) };
            out.push(Line::from(vec![head, Span::raw(sanitize(&part, width))]));
        }
        for (name, value) in m.attributes.iter().chain(&m.message_attributes) {
            for part in wrap(&format!("{name}: {}", readable_attribute(name, value)), width.saturating_sub(2)) {
                out.push(Line::from(Span::styled(format!("  {}", sanitize(&part, width)), theme::dim())));
            }
        }
        for line in m.readable_body().lines() {
            for part in wrap(line, width.saturating_sub(2)) {
                out.push(Line::from(format!("  {}", sanitize(&part, width))));
            }
        }
    }
    out
}

/// Draws the view, scrolled down `offset` lines (clamped so the end stays in view); returns the largest offset
/// that still fills it.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    keymap: &Keymap,
    peeked: Option<&(String, Vec<PeekedMessage>)>,
    offset: usize,
) -> usize {
    let width = WIDTH.min(area.width);
    let (dlq, messages) = match peeked {
        Some((dlq, messages)) => (dlq.as_str(), messages.as_slice()),
        None => ("", &[][..]),
    };
    // Inside the border.
    let lines = lines(dlq, messages, usize::from(width.saturating_sub(2)));
    let bottom = Line::from(hints::spans(keymap, &hints::HELP, theme::dim()));
    super::scrolling_view(frame, area, (width, &format!("messages in {dlq}")), lines, bottom, offset)
}
