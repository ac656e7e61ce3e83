//! Agents and their sub-agents (Placet 0.11: an agent may run sub-agents, each naming
//! its parent): listed under their parent everywhere (the inbox, the tray menu, the
//! mute list), and muted with it.

use placet_client::protocol::Agent;
use placet_client::Inbox;

/// The agents in the order to show them: each top-level agent followed by its
/// sub-agents (in the server's order), each with its depth (0 or 1). A sub-agent whose
/// parent is not listed is shown as a top-level agent.
pub fn grouped(agents: Vec<Agent>) -> Vec<(Agent, usize)> {
    let known = |id: &str| agents.iter().any(|a| a.id == id);
    let parent_of = |a: &Agent| {
        a.parent_agent_id
            .as_deref()
            .filter(|p| a.is_subagent && *p != a.id && known(p))
            .map(str::to_owned)
    };
    let mut out = Vec::with_capacity(agents.len());
    for top in agents.iter().filter(|a| parent_of(a).is_none()) {
        out.push((top.clone(), 0));
        for sub in agents
            .iter()
            .filter(|a| parent_of(a).as_deref() == Some(top.id.as_str()))
        {
            out.push((sub.clone(), 1));
        }
    }
    out
}

/// The ids that decide whether `agent_id` is muted: its own, and its parent's.
pub fn mute_ids(inbox: &Inbox, agent_id: &str) -> Vec<String> {
    let mut ids = vec![agent_id.to_owned()];
    if let Some(parent) = inbox
        .agent(agent_id)
        .filter(|a| a.is_subagent)
        .and_then(|a| a.parent_agent_id)
    {
        ids.push(parent);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn agent(id: &str, parent: Option<&str>) -> Agent {
        serde_json::from_value(json!({
            "id": id, "name": id, "status": "active",
            "isSubagent": parent.is_some(), "parentAgentId": parent,
        }))
        .unwrap()
    }

    /// Sub-agents follow their parent; an orphan is shown at the top level.
    #[test]
    fn sub_agents_follow_their_parent() {
        let list = grouped(vec![
            agent("sub-b", Some("b")),
            agent("a", None),
            agent("b", None),
            agent("orphan", Some("gone")),
            agent("sub-a", Some("a")),
        ]);
        let shown: Vec<(&str, usize)> = list.iter().map(|(a, d)| (a.id.as_str(), *d)).collect();
        assert_eq!(
            shown,
            [
                ("a", 0),
                ("sub-a", 1),
                ("b", 0),
                ("sub-b", 1),
                ("orphan", 0)
            ]
        );
    }
}
