//! Path templates (`/pets/{petId}`, `/files/{name}.{ext}`) matched
//! against request paths segment by segment.

/// One piece of a segment: literal text or a `{parameter}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    segments: Vec<Vec<Piece>>,
}

/// How well a path matched: more literal segments is more specific.
pub type Score = usize;

impl Template {
    pub fn parse(path: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        for segment in split(path) {
            let mut pieces = Vec::new();
            let mut rest = segment;
            while !rest.is_empty() {
                match rest.find('{') {
                    Some(0) => {
                        let end = rest.find('}').ok_or_else(|| {
                            format!("path `{path}`: `{{` without its `}}` in `{segment}`")
                        })?;
                        let name = &rest[1..end];
                        if name.is_empty() {
                            return Err(format!("path `{path}`: an empty `{{}}` parameter"));
                        }
                        pieces.push(Piece::Param(name.to_owned()));
                        rest = &rest[end + 1..];
                    }
                    Some(i) => {
                        pieces.push(Piece::Lit(rest[..i].to_owned()));
                        rest = &rest[i..];
                    }
                    None => {
                        pieces.push(Piece::Lit(rest.to_owned()));
                        rest = "";
                    }
                }
            }
            segments.push(pieces);
        }
        Ok(Template { segments })
    }

    /// The parameter names, in order.
    pub fn params(&self) -> Vec<&str> {
        self.segments
            .iter()
            .flatten()
            .filter_map(|p| match p {
                Piece::Param(name) => Some(name.as_str()),
                Piece::Lit(_) => None,
            })
            .collect()
    }

    /// The number of segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Matches a request path (no query). A request segment holding an
    /// unrendered `{{ template }}` matches any segment with a parameter.
    /// Returns the number of literal segments when it matches.
    pub fn matches(&self, path: &str) -> Option<Score> {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let parts: Vec<&str> = split(path).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut score = 0;
        for (pieces, part) in self.segments.iter().zip(parts) {
            let literal = pieces.iter().all(|p| matches!(p, Piece::Lit(_)));
            if part.contains("{{") {
                if literal {
                    return None;
                }
                continue;
            }
            if !match_pieces(pieces, part) {
                return None;
            }
            if literal {
                score += 1;
            }
        }
        Some(score)
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/').filter(|s| !s.is_empty())
}

fn match_pieces(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Lit(lit), rest)) => text
            .strip_prefix(lit.as_str())
            .is_some_and(|t| match_pieces(rest, t)),
        Some((Piece::Param(_), rest)) => {
            if rest.is_empty() {
                return !text.is_empty();
            }
            text.char_indices()
                .skip(1)
                .any(|(i, _)| match_pieces(rest, &text[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_match_one_segment_and_literals_score() {
        let t = Template::parse("/pets/{petId}").unwrap();
        assert_eq!(t.matches("/pets/12"), Some(1));
        assert_eq!(t.matches("/pets/12/"), Some(1));
        assert_eq!(t.matches("/pets"), None);
        assert_eq!(t.matches("/pets/12/toys"), None);
        assert_eq!(t.matches("/pets/{{ pet_id }}"), Some(1));
        assert_eq!(t.matches("/pets/1?x=2"), Some(1));
        assert_eq!(
            Template::parse("/pets/mine").unwrap().matches("/pets/mine"),
            Some(2)
        );
        assert_eq!(t.params(), vec!["petId"]);
    }

    #[test]
    fn mixed_segments() {
        let t = Template::parse("/files/{name}.{ext}").unwrap();
        assert!(t.matches("/files/report.pdf").is_some());
        assert!(t.matches("/files/report").is_none());
        assert!(t.matches("/files/.pdf").is_none());
        assert!(Template::parse("/a/{b").is_err());
        assert_eq!(Template::parse("/").unwrap().matches("/"), Some(0));
    }
}
