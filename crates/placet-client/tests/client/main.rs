//! Integration tests of placet-client. Protocol, answer and inbox tests are pure; REST,
//! session and outbox tests run against a real placet-devserver on 127.0.0.1:0, and
//! transport and download tests against small axum servers (`fake`).

mod answers;
mod download;
mod fake;
mod history;
mod inbox;
mod outbox;
mod protocol;
mod rest;
mod resync;
mod session;
mod support;
mod transport;
