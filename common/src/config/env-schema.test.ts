/** @module common/config/env-schema tests: the rules both services' configurations share. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { bool, ConfigError, int, list, optionalHttpUrl, parseEnv, str } from './env-schema.js'

const Schema = v.object({
  KEY: v.pipe(v.string('is required'), v.transform((s) => s.trim()), v.minLength(1, 'is required')),
  PORT: int(8080, 0, 65535),
  NAME: str('taguato'),
  ON: bool(false),
  HOSTS: list,
  HOOK: optionalHttpUrl,
})

describe('parseEnv', () => {
  it('trims every value, blank means the default, unknown variables are ignored', () => {
    expect(parseEnv(Schema, { KEY: ' k ', PORT: ' ', NAME: '  x  ', ON: ' YES ', HOSTS: ' a , ,b ', OTHER: '1' })).toEqual({
      KEY: 'k', PORT: 8080, NAME: 'x', ON: true, HOSTS: ['a', 'b'], HOOK: '',
    })
  })
  it('lists every problem at once, each naming its variable', () => {
    try {
      parseEnv(Schema, { PORT: '70000', ON: 'maybe', HOOK: 'ftp://x' }, 'bad config')
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems).toEqual([
        'KEY is required',
        'PORT must be <= 65535',
        'ON must be true or false',
        'HOOK must be an http(s) URL or empty',
      ])
      expect((err as Error).message.split('\n')[0]).toBe('bad config:')
    }
  })
})
