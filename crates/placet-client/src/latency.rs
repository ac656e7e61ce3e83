//! Marks on the path from a server event to the person's notification, for the
//! benchmark's profile (`tests/examples/bench`, section `profile`): trace events of the
//! target `placet_latency`, each with its stage and the message id. Off unless the log
//! filter asks for them (`PLACET_LOG=…,placet_latency=trace`), and then the id is not
//! even computed. A message id is neither a secret nor an answer.

/// Marks `stage` for the message whose id `id` gives.
#[inline]
pub fn mark(stage: &'static str, id: impl FnOnce() -> String) {
    if tracing::enabled!(target: "placet_latency", tracing::Level::TRACE) {
        tracing::trace!(target: "placet_latency", stage, id = %id());
    }
}
