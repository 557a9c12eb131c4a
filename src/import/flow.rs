//! Postman runs a collection in file order with variables flowing forward.
//! gatecheck runs tests concurrently, so requests tied by a variable (one
//! captures it, a later one uses it) are put together, in file order, as
//! one test with steps; so are a request and the requests its scripts send
//! (`pm.sendRequest`). Requests tied to nothing stay tests of their own.
//! Pure.

use super::request::Req;

/// Groups of request indexes: each group is one test (its steps in file
/// order), listed by the position of its first request.
pub fn groups(reqs: &[Req]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..reqs.len()).collect();
    for (j, r) in reqs.iter().enumerate() {
        // A request a script sends runs beside the request of the script.
        if r.with_next && j + 1 < reqs.len() {
            union(&mut parent, j, j + 1);
        }
        if r.with_previous && j > 0 {
            union(&mut parent, j - 1, j);
        }
        for name in &r.uses {
            // The latest earlier request that captured it is where the value comes from.
            if let Some(i) = (0..j)
                .rev()
                .find(|&i| reqs[i].checks.captures.contains_key(name))
            {
                union(&mut parent, i, j);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; reqs.len()];
    for i in 0..reqs.len() {
        let root = find(&mut parent, i);
        match slot[root] {
            Some(k) => out[k].push(i),
            None => {
                slot[root] = Some(out.len());
                out.push(vec![i]);
            }
        }
    }
    out
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while parent[root] != root {
        root = parent[root];
    }
    let mut i = i;
    while parent[i] != root {
        let next = parent[i];
        parent[i] = root;
        i = next;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(captures: &[&str], uses: &[&str]) -> Req {
        let mut r = Req {
            uses: uses.iter().map(|s| s.to_string()).collect(),
            ..Req::default()
        };
        for c in captures {
            r.checks.captures.insert(c.to_string(), "$.id".into());
        }
        r
    }

    #[test]
    fn requests_tied_by_a_variable_become_one_group_in_file_order() {
        let reqs = [
            req(&[], &[]),           // 0 list
            req(&["id"], &[]),       // 1 create
            req(&[], &[]),           // 2 independent, between them
            req(&["etag"], &["id"]), // 3 read
            req(&[], &["etag"]),     // 4 update
            req(&["token"], &[]),    // 5 login, in another folder
            req(&[], &[]),           // 6 health
            req(&[], &["token"]),    // 7 me
        ];
        assert_eq!(
            groups(&reqs),
            vec![vec![0], vec![1, 3, 4], vec![2], vec![5, 7], vec![6]]
        );
    }

    #[test]
    fn requests_a_script_sends_run_beside_its_request() {
        let mut reqs = [
            req(&[], &[]),
            req(&[], &[]),
            req(&[], &[]),
            req(&[], &[]),
            req(&[], &[]),
        ];
        reqs[1].with_next = true; // sent by 2's pre-request script
        reqs[3].with_previous = true; // sent by 2's test script
        assert_eq!(groups(&reqs), vec![vec![0], vec![1, 2, 3], vec![4]]);
    }

    #[test]
    fn a_variable_comes_from_the_latest_capture_before_its_use() {
        let reqs = [
            req(&["id"], &[]),
            req(&[], &["id"]),
            req(&["id"], &[]),
            req(&[], &["id"]),
        ];
        assert_eq!(groups(&reqs), vec![vec![0, 1], vec![2, 3]]);
    }
}
