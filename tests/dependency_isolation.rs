//! Users who depend on one vendor crate pay for that vendor only: no other vendor's crate,
//! no generator crates, and no OpenSSL under the default features.

use std::process::Command;

fn normal_dependencies(package: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn assert_isolated(package: &str, other_vendors: &[&str]) {
    let deps = normal_dependencies(package);
    assert!(
        deps.iter().any(|d| d == "rtc-usage-core"),
        "{package} uses the runtime"
    );
    let forbidden = [
        "openssl",
        "openssl-sys",
        "native-tls",
        "schemars",
        "typify",
        "typify-impl",
    ];
    for dep in &deps {
        assert!(
            !other_vendors.contains(&dep.as_str()) && !forbidden.contains(&dep.as_str()),
            "{package} depends on {dep}"
        );
    }
}

#[test]
fn volcengine_crate_stands_alone() {
    assert_isolated(
        "rtc-usage-volcengine",
        &["rtc-usage-tencent", "rtc-usage-huawei"],
    );
}

#[test]
fn tencent_crate_stands_alone() {
    assert_isolated(
        "rtc-usage-tencent",
        &["rtc-usage-volcengine", "rtc-usage-huawei"],
    );
}

#[test]
fn huawei_crate_stands_alone() {
    assert_isolated(
        "rtc-usage-huawei",
        &["rtc-usage-volcengine", "rtc-usage-tencent"],
    );
}
