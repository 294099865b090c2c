/** pulumi-pam: Pulumi dynamic resources and session actions for PAM appliances. */
export { VERSION } from "./version";
