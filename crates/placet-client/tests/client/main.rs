//! Integration tests of placet-client. Protocol, answer and inbox tests are pure; REST,
//! session and outbox tests run against a real placet-devserver on 127.0.0.1:0, and
//! transport and download tests against small axum servers (`fake`).

mod account;
mod answers;
mod budget;
mod download;
mod expiry;
mod fake;
mod history;
mod inbox;
mod oauth;
mod outbox;
mod protocol;
mod replies;
mod rest;
mod resync;
mod session;
mod streams;
mod support;
mod transport;
