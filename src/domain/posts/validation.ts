import { z } from 'zod';

const webUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');

export const MAX_POST_MEDIA = 10;

export const postBodySchema = z.string().trim().min(1, 'must not be empty').max(5000, 'must be at most 5000 characters');

export const postMediaSchema = z
  .array(webUrl)
  .max(MAX_POST_MEDIA, `at most ${MAX_POST_MEDIA} media URLs`)
  .nullish()
  .transform((value) => value ?? []);

export const commentBodySchema = z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters');
