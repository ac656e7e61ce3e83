//! Integration tests of placet-client. Protocol and answer tests are pure; REST, session
//! and inbox tests run against a real placet-devserver on 127.0.0.1:0.

mod answers;
mod inbox;
mod protocol;
