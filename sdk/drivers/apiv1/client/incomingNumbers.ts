/**
 * `/sites/{site}/incoming-numbers`: DIDs and where their calls go.
 */
import { normalizeE164 } from "../../../schemas/common";
import {
  IncomingNumber,
  IncomingNumberCreate,
  IncomingNumberSchema,
  IncomingNumberUpdate,
  IncomingNumberUpdateSchema,
} from "../../../schemas/incomingNumber";
import { Collection } from "./collection";
import { SiteContext } from "./context";

/** Incoming numbers of one site. */
export class IncomingNumbersApi extends Collection<IncomingNumber, IncomingNumberCreate, IncomingNumberUpdate> {
  constructor(ctx: SiteContext) {
    super(ctx, { segment: "incoming-numbers", schema: IncomingNumberSchema, updateSchema: IncomingNumberUpdateSchema });
  }

  /** The incoming number equal to `number` once both are in E.164 ("+32 2 555 01 00" finds "+3225550100"). */
  findByNumber(number: string): Promise<IncomingNumber | undefined> {
    const e164 = normalizeE164(number);
    return this.findOne(e164, (n) => n.number === e164);
  }
}
