// One definition of a deliverable address for the notifier: the config's (zod's e-mail check), so
// an address the config would refuse is never written into a message nor handed to a server.
import { z } from "zod";

const email = z.email();

export function isValidAddress(address: string | null | undefined): address is string {
  return typeof address === "string" && address.length <= 254 && email.safeParse(address).success;
}
