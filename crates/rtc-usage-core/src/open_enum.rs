//! Open sets of vendor values: the values a spec knows, plus any other string kept as sent.

/// Declares an open enum: known variants plus `Unknown(String)`, serialized as strings.
///
/// Generated code uses it for spec definitions with `x-known-values`, so a vendor adding a
/// value (or two sources spelling one differently) never breaks decoding.
#[macro_export]
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The values the spec knows.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test set.
        Indicator { UserNum = "user_num", UserCount = "user_count" }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        let known: Indicator = serde_json::from_str("\"user_num\"").unwrap();
        assert_eq!(known, Indicator::UserNum);
        let other: Indicator = serde_json::from_str("\"peak_users\"").unwrap();
        assert_eq!(other, Indicator::Unknown("peak_users".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"peak_users\"");
        assert_eq!(Indicator::from("user_count").as_str(), "user_count");
        assert!(!other.is_known());
        assert_eq!(Indicator::KNOWN, ["user_num", "user_count"]);
    }
}
