//! AWS answers in CBOR (the Smithy RPC v2 CBOR protocol CloudWatch speaks), built as a value tree and encoded
//! with the SDK's own encoder, for the proxy to serve where no emulator gives the answer.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_smithy_cbor::Encoder;

/// One CBOR value of an answer.
pub enum Value {
    Str(String),
    Int(i32),
    Double(f64),
    Bool(bool),
    /// Seconds since the epoch, as a CBOR timestamp (tag 1).
    Time(i64),
    List(Vec<Value>),
    Map(Vec<(&'static str, Value)>),
}

pub fn s(text: &str) -> Value {
    Value::Str(text.to_string())
}

impl Value {
    pub fn encode(&self) -> Vec<u8> {
        let mut encoder = Encoder::new(Vec::new());
        self.write(&mut encoder);
        encoder.into_writer()
    }

    fn write(&self, e: &mut Encoder) {
        match self {
            Value::Str(v) => {
                e.str(v);
            }
            Value::Int(v) => {
                e.integer(*v);
            }
            Value::Double(v) => {
                e.double(*v);
            }
            Value::Bool(v) => {
                e.boolean(*v);
            }
            Value::Time(secs) => {
                e.timestamp(&DateTime::from_secs(*secs));
            }
            Value::List(items) => {
                e.array(items.len());
                items.iter().for_each(|i| i.write(e));
            }
            Value::Map(fields) => {
                e.map(fields.len());
                for (name, value) in fields {
                    e.str(name);
                    value.write(e);
                }
            }
        }
    }
}
