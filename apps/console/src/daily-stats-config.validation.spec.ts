import { BadRequestException } from '@nestjs/common';
import { createNotificationObjectBodySchema, updateNotificationObjectBodySchema } from '@alertlark/contracts';
import { ZodPipe } from '@alertlark/service-kit';

/** The 400 the console answers for a body, as the notification-objects controller's pipe makes it. */
const refusal = (schema: typeof createNotificationObjectBodySchema | typeof updateNotificationObjectBodySchema, body: unknown) => {
  try {
    new ZodPipe(schema).transform(body);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { error: string; message: string; details: { path: string; message: string }[] };
  }
  throw new Error('expected a 400');
};

const create = { name: 'bot', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/x' };

describe('dailyStats on notification objects: a refusal names the bad value', () => {
  it.each([
    ['25:00', 'dailyStats.times.0: "25:00" is not a time of day (HH:mm, 24 h)'],
    ['9:00', 'dailyStats.times.0: "9:00" is not a time of day (HH:mm, 24 h)'],
    ['09:60', 'dailyStats.times.0: "09:60" is not a time of day (HH:mm, 24 h)'],
    ['24:00', 'dailyStats.times.0: "24:00" is not a time of day (HH:mm, 24 h)'],
  ])('time %s', (time, message) => {
    expect(refusal(createNotificationObjectBodySchema, { ...create, dailyStats: { enabled: true, times: [time] } }).message).toBe(message);
  });

  it('an unknown zone, with the time beside it, on create and on update', () => {
    const body = { dailyStats: { enabled: true, times: ['09:00', '25:00'], timezone: 'Mars/Olympus' } };
    for (const answer of [refusal(createNotificationObjectBodySchema, { ...create, ...body }), refusal(updateNotificationObjectBodySchema, body)]) {
      expect(answer.error).toBe('validation_failed');
      expect(answer.details).toEqual([
        { path: 'dailyStats.times.1', message: '"25:00" is not a time of day (HH:mm, 24 h)' },
        { path: 'dailyStats.timezone', message: '"Mars/Olympus" is not an IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)' },
      ]);
    }
  });

  it('accepts 00:00 and 23:59 in a real zone', () => {
    expect(new ZodPipe(createNotificationObjectBodySchema).transform({ ...create, dailyStats: { enabled: true, times: ['00:00', '23:59'], timezone: 'America/New_York' } }).dailyStats).toEqual({
      enabled: true,
      times: ['00:00', '23:59'],
      timezone: 'America/New_York',
    });
  });
});
