import { z } from 'zod';

const currencies = new Set(Intl.supportedValuesOf('currency'));

const webUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');

const title = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const description = z.string().trim().max(5000, 'must be at most 5000 characters').nullable();
const privacy = z.enum(['PUBLIC', 'FRIENDS', 'PRIVATE']);
const tags = z
  .array(z.string().trim().toLowerCase().min(1, 'must not be empty').max(50, 'must be at most 50 characters'))
  .max(10, 'at most 10 tags')
  .transform((values) => [...new Set(values)]);
/**
 * Any name the platform's time-zone database knows, links included (`UTC`, `Etc/UTC`,
 * `Asia/Kolkata`, `Europe/Kyiv`): `Intl.supportedValuesOf` lists canonical names only,
 * and which of a pair is canonical varies between ICU versions. Offsets such as `+05:30`
 * are not IANA names, whatever the runtime accepts.
 */
function isKnownTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().max(64).refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Paris');
const location = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(255),
    address: z.string().trim().max(500).nullish().transform((value) => value ?? null),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
  })
  .nullable();
const capacity = z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').nullable();
const price = z
  .object({
    amountMinor: z.number().int().min(0).max(1_000_000_000),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .refine((value) => currencies.has(value), 'must be an ISO 4217 currency code'),
  })
  .nullable();
const mediaUrls = z.array(webUrl).max(20, 'at most 20 media URLs');
const date = z.date().refine((value) => !Number.isNaN(value.getTime()), 'must be a valid date-time');

export const createEventSchema = z
  .object({
    title,
    description: description.optional().transform((value) => value ?? null),
    privacy: privacy.nullish().transform((value) => value ?? 'PUBLIC'),
    categoryId: z.string().nullish().transform((value) => value ?? null),
    tags: tags.nullish().transform((value) => value ?? []),
    startsAt: date,
    endsAt: date,
    timeZone,
    location: location.optional().transform((value) => value ?? null),
    virtualLink: webUrl.nullish().transform((value) => value ?? null),
    capacity: capacity.optional().transform((value) => value ?? null),
    price: price.optional().transform((value) => value ?? null),
    mediaUrls: mediaUrls.nullish().transform((value) => value ?? []),
  })
  .superRefine((input, ctx) => {
    if (input.endsAt.getTime() <= input.startsAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (!input.location && !input.virtualLink) {
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'an event needs a location or a virtualLink' });
    }
  });

export type CreateEventFields = z.output<typeof createEventSchema>;

/** Every field optional; null clears an optional field, absent leaves it. */
export const updateEventSchema = z
  .object({
    title: title.nullish(),
    description,
    privacy: privacy.nullish(),
    categoryId: z.string().nullable(),
    tags: tags.nullable(),
    startsAt: date.nullish(),
    endsAt: date.nullish(),
    timeZone: timeZone.nullish(),
    location,
    virtualLink: webUrl.nullable(),
    capacity,
    price,
    mediaUrls: mediaUrls.nullable(),
  })
  .partial();

export type UpdateEventFields = z.output<typeof updateEventSchema>;

export const cancelReasonSchema = z.string().trim().max(1000, 'must be at most 1000 characters').nullish();
