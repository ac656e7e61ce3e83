//! Integration tests of placet-client. Protocol, answer and inbox tests are pure; REST,
//! session and outbox tests run against a real placet-devserver on 127.0.0.1:0.

mod answers;
mod inbox;
mod outbox;
mod protocol;
mod rest;
mod session;
mod support;
