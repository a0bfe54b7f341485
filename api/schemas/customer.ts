import { Type, type Static } from 'typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, TWO_KINDS_PATTERN } from '../../lib/auth/passwords.js';
import { FIELD_LIMITS } from '../../lib/field-limits.js';
import { checkedInCode } from './documented.js';
import { PrimarySite } from './answers.js';
import { PHONE_PATTERN, SingleLine } from './common.js';

/** An email address as customers type it; compared lower-cased. */
export const Email = Type.String({ format: 'email', maxLength: FIELD_LIMITS.email, description: 'Email address (case-insensitive)' });

/** A password being checked (login, current password): any non-empty text, the policy is not revealed here. */
export const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

/** A password being chosen; the policy is checked in code so the answer (400 weak_password) can say exactly what to fix. */
export const NewPassword = checkedInCode(Type.String({
  maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters, at least two kinds of characters (lower-case, upper-case, digits, symbols), not containing the email address`,
}), { minLength: MIN_PASSWORD_LENGTH, pattern: TWO_KINDS_PATTERN });

/** A person's name: printable text, no line breaks (it goes into email subjects and greetings). */
export const FullName = SingleLine(FIELD_LIMITS.fullName);

/** A phone number as written by people: digits with optional +, spaces, dots, dashes and parentheses. */
export const Phone = Type.String({ minLength: FIELD_LIMITS.phone.min, maxLength: FIELD_LIMITS.phone.max, pattern: PHONE_PATTERN });

/** A secret from an emailed link or a refresh token, checked against its stored hash. */
export const OpaqueToken = Type.String({ minLength: 1, maxLength: 512 });

function body<P extends Parameters<typeof Type.Object>[0]>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** POST /customer/register */
export const RegisterBody = body({ email: Email, password: NewPassword, full_name: FullName, phone: Type.Optional(Phone) });
/** POST /customer/login */
export const LoginBody = body({ email: Email, password: Password });
/** POST /customer/refresh and /customer/logout; the portal leaves the token out and sends its HttpOnly cookie instead. */
export const RefreshBody = body({ refresh_token: Type.Optional(OpaqueToken) });
/** The header by which the portal keeps its refresh token in the HttpOnly cookie (sent to /customer only). */
export const SessionModeHeaders = Type.Object({
  'x-webmagic-session': Type.Optional(Type.Literal('cookie', { description: 'Keep the refresh token in the HttpOnly `wm_refresh` cookie instead of the body' })),
});
/** The portal's refresh-token cookie, read only with `x-webmagic-session: cookie`; a value that is no live token is no token. */
export const RefreshCookie = Type.Object({ wm_refresh: Type.Optional(Type.String()) });
/** POST /customer/verify-email */
export const TokenBody = body({ token: OpaqueToken });
/** Confirming an address takes the account's password too, so nobody confirms a password someone else chose. */
export const VerifyEmailBody = body({ token: OpaqueToken, password: Password });
/** POST /customer/reset-password and /customer/set-password */
export const TokenPasswordBody = body({ token: OpaqueToken, password: NewPassword });
/** POST /customer/link-state */
export const LinkStateBody = body({
  token: OpaqueToken,
  purpose: Type.Union([Type.Literal('reset_password'), Type.Literal('set_password'), Type.Literal('verify_email')]),
});
/** The answer of POST /customer/link-state. */
export const LinkStateResponse = Type.Object({
  state: Type.Union([Type.Literal('usable'), Type.Literal('used'), Type.Literal('expired'), Type.Literal('invalid')], { description: 'usable, used (already spent), expired, or invalid (not a link of this kind)' }),
});
/** POST /customer/resend-verification and /customer/forgot-password */
export const EmailBody = body({ email: Email });
/** POST /customer/change-password */
export const ChangePasswordBody = body({ current_password: Password, new_password: NewPassword });
/** PUT /customer/profile: the fields to change; `phone: null` removes the phone number. */
export const ProfileBody = Type.Object(
  { full_name: Type.Optional(FullName), phone: Type.Optional(Type.Union([Phone, Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);

const DateTime = Type.String({ format: 'date-time' });

/** The signed-in customer's profile. */
export const CustomerProfile = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  full_name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  email_verified: Type.Boolean(),
  email_verified_at: Type.Union([DateTime, Type.Null()]),
  has_password: Type.Boolean(),
  created_at: DateTime,
  last_login_at: Type.Union([DateTime, Type.Null()]),
  owned_sites_count: Type.Integer({ minimum: 0 }),
  primary_site: Type.Union([PrimarySite, Type.Null()]),
});
export type CustomerProfileDto = Static<typeof CustomerProfile>;

/** Answer of login, refresh, reset-password and set-password. */
export const SessionResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.Optional(Type.String({ description: 'Left out when the request asked for the refresh-token cookie (x-webmagic-session: cookie)' })),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
  user: CustomerProfile,
});

/** Answer of the endpoints that email a link: the same whether or not the address has an account. */
export const AcceptedResponse = Type.Object({ message: Type.String() });

/** Answer of an action that has no other result. */
export const DoneResponse = Type.Object({ status: Type.String(), message: Type.String() });

/** Answer of an action that returns nothing (204). */
export const NoContent = Type.Null({ description: 'No content' });
