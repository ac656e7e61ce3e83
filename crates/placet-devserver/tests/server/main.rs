//! Integration tests of the dev server against real clients (reqwest, rust_socketio and
//! the official JavaScript socket.io client) on 127.0.0.1:0. One module per feature.

mod agent_api;
mod auth;
mod controls;
mod js_interop;
mod reviews;
mod sockets;
mod support;
