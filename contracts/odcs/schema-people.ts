// The organisational parts of a contract: team, roles (IAM roles and their approvers), support channels,
// price and service-level agreements.
import {
  arrayOf, authoritativeDefinitions, closed, customProperties, date, num, scalar, stableId, str, tags, type JsonSchema,
} from './schema-common.ts';

export const role: JsonSchema = closed(
  { id: stableId, role: str, description: str, access: str, firstLevelApprovers: str, secondLevelApprovers: str, customProperties },
  ['role'],
);

export const teamMember: JsonSchema = closed(
  {
    id: stableId, username: str, name: str, description: str, role: str, dateIn: date, dateOut: date,
    replacedByUsername: str, tags, customProperties, authoritativeDefinitions,
  },
  ['username'],
);

/** `team` is an object with `members` (v3.1) or, deprecated, the bare list of members (v3.0). */
export const team: JsonSchema = {
  if: { type: 'array' },
  then: arrayOf(teamMember),
  else: closed({ id: stableId, name: str, description: str, members: arrayOf(teamMember), tags, customProperties, authoritativeDefinitions }),
};

export const supportChannel: JsonSchema = closed(
  { id: stableId, channel: str, url: str, description: str, tool: str, scope: str, invitationUrl: str, customProperties },
  ['channel'],
);

export const price: JsonSchema = closed({ id: stableId, priceAmount: num, priceCurrency: str, priceUnit: str });

export const slaProperty: JsonSchema = closed(
  { id: stableId, property: str, value: scalar, valueExt: scalar, unit: str, element: str, driver: str, description: str, scheduler: str, schedule: str },
  ['property', 'value'],
);
