/** Package version, sent in `User-Agent: pulumi-pam/<version>`. Kept in sync with package.json by a test. */
export const VERSION = "0.1.0";
