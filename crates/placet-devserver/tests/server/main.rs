//! Integration tests of the dev server against real clients (reqwest, rust_socketio and
//! the official JavaScript socket.io client) on 127.0.0.1:0. One module per feature.

mod agent_api;
mod agent_reads;
mod annotate;
mod auth;
mod chains;
mod chat;
mod controls;
mod deltas;
mod demo;
mod dev_routes;
mod downloads;
mod hardening;
mod human_reads;
mod js_interop;
mod layers;
mod layout;
mod oauth;
mod order;
mod paging;
mod rate_limit;
mod receiver;
mod retry;
mod review_rules;
mod reviews;
mod rounds;
mod sockets;
mod status;
mod streams;
mod subagents;
mod support;
mod webhooks;
