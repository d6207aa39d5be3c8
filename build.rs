//! Compiles the Postgres leg of the black-box tests in or out: with
//! `CRM_EMULATOR_TEST_POSTGRES_URL` set when the tests are built, every `<test>::postgres`
//! runs; without it they are reported as ignored (never as passed), naming the variable.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=CRM_EMULATOR_TEST_POSTGRES_URL");
    if std::env::var_os("CRM_EMULATOR_TEST_POSTGRES_URL").is_some() {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
