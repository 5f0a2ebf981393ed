//! Crate versions and the bumps between them, with Cargo's reading of `0.y.z`: a breaking
//! change bumps `y` (Cargo treats `0.1` and `0.2` as incompatible) and anything else bumps
//! `z`; from `1.0.0` on, breaking bumps the major, additions the minor, fixes the patch.

use std::fmt;

use serde::Serialize;

/// `MAJOR.MINOR.PATCH` (no pre-release or build part: the generated crates use none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a version MAJOR.MINOR.PATCH (e.g. 0.1.0)");
        let mut parts = text.split('.');
        let mut next = || -> Result<u64, String> {
            let part = parts.next().ok_or_else(bad)?;
            if part.is_empty() || (part.len() > 1 && part.starts_with('0')) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let version = Self {
            major: next()?,
            minor: next()?,
            patch: next()?,
        };
        match parts.next() {
            None => Ok(version),
            Some(_) => Err(bad()),
        }
    }

    /// The smallest version after `self` that shows `bump`.
    pub fn bumped(self, bump: Bump) -> Self {
        match bump {
            Bump::None => self,
            Bump::Patch => Self {
                patch: self.patch + 1,
                ..self
            },
            Bump::Minor => Self {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            Bump::Major => Self {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }

    /// Which position moved from `self` to `later` (`None` if equal or older).
    pub fn bump_to(self, later: Self) -> Bump {
        if later <= self {
            Bump::None
        } else if later.major > self.major {
            Bump::Major
        } else if later.minor > self.minor {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The bump a change of `impact` needs after this version: in `0.y.z`, breaking is a
    /// `y` bump (positionally a minor) and everything else a `z` bump.
    pub fn bump_for(self, impact: Semver) -> Bump {
        match (impact, self.major) {
            (Semver::None, _) => Bump::None,
            (Semver::Major, 0) => Bump::Minor,
            (Semver::Minor | Semver::Patch, 0) => Bump::Patch,
            (Semver::Major, _) => Bump::Major,
            (Semver::Minor, _) => Bump::Minor,
            (Semver::Patch, _) => Bump::Patch,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The Rust semver impact of a change on the generated crate's API and behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        })
    }
}

/// Which position of a version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "no bump",
            Self::Patch => "patch bump",
            Self::Minor => "minor bump",
            Self::Major => "major bump",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(v("0.1.0").to_string(), "0.1.0");
        for bad in ["0.1", "0.1.0.0", "v0.1.0", "0.01.0", "0.1.x", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zero_major_crates_bump_like_cargo() {
        assert_eq!(v("0.1.0").bump_for(Semver::Major), Bump::Minor);
        assert_eq!(v("0.1.0").bump_for(Semver::Minor), Bump::Patch);
        assert_eq!(v("0.1.0").bump_for(Semver::Patch), Bump::Patch);
        assert_eq!(v("0.1.0").bump_for(Semver::None), Bump::None);
        assert_eq!(v("1.2.3").bump_for(Semver::Major), Bump::Major);
        assert_eq!(v("1.2.3").bump_for(Semver::Minor), Bump::Minor);
        assert_eq!(v("0.1.0").bumped(Bump::Minor), v("0.2.0"));
        assert_eq!(v("0.1.3").bumped(Bump::Patch), v("0.1.4"));
    }

    #[test]
    fn the_bump_shown_is_the_highest_position_moved() {
        assert_eq!(v("0.1.0").bump_to(v("0.2.0")), Bump::Minor);
        assert_eq!(v("0.1.0").bump_to(v("0.1.1")), Bump::Patch);
        assert_eq!(v("0.1.0").bump_to(v("1.0.0")), Bump::Major);
        assert_eq!(v("0.1.0").bump_to(v("0.1.0")), Bump::None);
        assert_eq!(v("0.2.0").bump_to(v("0.1.9")), Bump::None);
    }
}
