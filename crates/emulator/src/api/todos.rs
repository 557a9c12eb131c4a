//! The demo API's in-memory todo lists, one per token subject, seeded with
//! two stable items per configured user.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;

use crate::config::UserConfig;
use crate::ids::stable_id;

/// Most items one owner may hold (keeps a long-running emulator bounded).
pub(crate) const MAX_ITEMS: usize = 10_000;

/// One todo item, serialized with stable key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Todo {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) done: bool,
    #[serde(rename = "createdAt")]
    pub(crate) created_at: String,
    pub(crate) owner: String,
}

/// A partial update (PATCH).
#[derive(Debug, Default)]
pub(crate) struct Patch {
    pub(crate) title: Option<String>,
    pub(crate) done: Option<bool>,
}

/// Todo lists keyed by owner (the token's `sub`).
pub(crate) struct TodoStore {
    lists: Mutex<HashMap<String, Vec<Todo>>>,
}

const SEED: [(&str, bool, &str); 2] = [
    ("Buy milk", false, "2024-01-01T09:00:00Z"),
    (
        "Write the first gatecheck suite",
        true,
        "2024-01-01T09:05:00Z",
    ),
];

impl TodoStore {
    /// Two stable items per user: same ids, titles and dates on every start.
    pub(crate) fn seeded(users: &[UserConfig]) -> Self {
        let mut lists = HashMap::new();
        for user in users {
            let items = SEED
                .iter()
                .enumerate()
                .map(|(i, (title, done, created))| Todo {
                    id: stable_id("tdo", &format!("{}#{}", user.login, i + 1)),
                    title: (*title).into(),
                    done: *done,
                    created_at: (*created).into(),
                    owner: user.login.clone(),
                })
                .collect();
            lists.insert(user.login.clone(), items);
        }
        TodoStore {
            lists: Mutex::new(lists),
        }
    }

    /// The item with this id, whoever owns it (only the demo API's
    /// planted object-level bug reads this way).
    pub(crate) fn get_any(&self, id: &str) -> Option<Todo> {
        let lists = self.lock();
        lists.values().flatten().find(|t| t.id == id).cloned()
    }

    /// The owner's items in creation order, at most `limit`.
    pub(crate) fn list(&self, owner: &str, limit: usize) -> Vec<Todo> {
        let lists = self.lock();
        lists
            .get(owner)
            .map(|items| items.iter().take(limit).cloned().collect())
            .unwrap_or_default()
    }

    /// Adds an item; None when the owner's list is full.
    pub(crate) fn create(&self, owner: &str, title: String, done: bool) -> Option<Todo> {
        let mut lists = self.lock();
        let items = lists.entry(owner.to_string()).or_default();
        if items.len() >= MAX_ITEMS {
            return None;
        }
        let todo = Todo {
            id: uuid::Uuid::new_v4().to_string(),
            title,
            done,
            created_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            owner: owner.to_string(),
        };
        items.push(todo.clone());
        Some(todo)
    }

    pub(crate) fn get(&self, owner: &str, id: &str) -> Option<Todo> {
        self.lock().get(owner)?.iter().find(|t| t.id == id).cloned()
    }

    pub(crate) fn update(&self, owner: &str, id: &str, patch: Patch) -> Option<Todo> {
        let mut lists = self.lock();
        let todo = lists.get_mut(owner)?.iter_mut().find(|t| t.id == id)?;
        if let Some(title) = patch.title {
            todo.title = title;
        }
        if let Some(done) = patch.done {
            todo.done = done;
        }
        Some(todo.clone())
    }

    pub(crate) fn delete(&self, owner: &str, id: &str) -> bool {
        let mut lists = self.lock();
        let Some(items) = lists.get_mut(owner) else {
            return false;
        };
        let before = items.len();
        items.retain(|t| t.id != id);
        items.len() != before
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Todo>>> {
        self.lists.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EmulatorConfig;

    fn store() -> TodoStore {
        TodoStore::seeded(&EmulatorConfig::builtin().users)
    }

    #[test]
    fn seed_is_stable_and_per_user() {
        let (a, b) = (store(), store());
        let ada = a.list("ada@example.com", 10);
        assert_eq!(ada, b.list("ada@example.com", 10));
        assert_eq!(ada.len(), 2);
        assert!(!ada[0].done && ada[1].done);
        assert_ne!(ada[0].id, a.list("grace@example.com", 10)[0].id);
    }

    #[test]
    fn owners_are_isolated() {
        let store = store();
        let todo = store.create("ada@example.com", "x".into(), false).unwrap();
        assert!(store.get("grace@example.com", &todo.id).is_none());
        assert!(!store.delete("grace@example.com", &todo.id));
        let patch = Patch {
            done: Some(true),
            ..Patch::default()
        };
        assert!(
            store
                .update("ada@example.com", &todo.id, patch)
                .unwrap()
                .done
        );
        assert!(store.delete("ada@example.com", &todo.id));
        assert_eq!(store.list("ada@example.com", 1).len(), 1);
    }
}
