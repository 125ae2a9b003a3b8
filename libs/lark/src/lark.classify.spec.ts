import { classifyLarkResponse, parseLarkBody } from './lark.classify';

const answer = (code: number, msg: string) => JSON.stringify({ code, msg, data: {} });

describe('classifyLarkResponse', () => {
  it('accepts the documented success body', () => {
    const body = '{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}';
    expect(classifyLarkResponse(200, body)).toEqual({
      kind: 'response',
      httpStatus: 200,
      code: 0,
      msg: 'success',
      outcome: 'ok',
      ok: true,
      rateLimited: false,
      transient: false,
      permanent: false,
      retryable: false,
      reason: 'ok',
    });
  });

  it.each([
    // [http, code, msg, outcome, reason]
    [400, 9499, 'too many request', 'rate-limited', 'too-many-requests'],
    [200, 9499, 'Too Many Requests', 'rate-limited', 'too-many-requests'],
    [429, 9499, 'Bad Request', 'rate-limited', 'too-many-requests'],
    [400, 9499, 'Bad Request', 'permanent', 'bad-request'],
    [200, 9499, 'Bad Request', 'permanent', 'bad-request'],
    [200, 11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]', 'rate-limited', 'frequency-limited'],
    [400, 11232, '', 'rate-limited', 'frequency-limited'],
    [200, 19001, 'param invalid: incoming webhook access token invalid', 'permanent', 'token-invalid'],
    [400, 19021, 'sign match fail or timestamp is not within one hour from current time', 'permanent', 'signature-mismatch'],
    [200, 19022, 'Ip Not Allowed', 'permanent', 'ip-not-allowed'],
    [200, 19024, 'Key Words Not Found', 'permanent', 'keyword-not-found'],
    [400, 19036, 'the message exceeds the size limit of 30KB', 'permanent', 'message-too-large'],
    [200, 12345, 'something new', 'permanent', 'unknown-code-12345'],
    [503, 12345, 'something new', 'transient', 'http-503'],
  ] as const)('HTTP %i with code %i (%s) is %s', (http, code, msg, outcome, reason) => {
    const result = classifyLarkResponse(http, answer(code, msg));
    expect(result).toMatchObject({ outcome, reason, code, httpStatus: http });
    expect(result.retryable).toBe(outcome === 'rate-limited' || outcome === 'transient');
    expect([result.ok, result.rateLimited, result.transient, result.permanent].filter(Boolean)).toHaveLength(1);
  });

  it.each([
    [500, 'transient', 'http-500'],
    [502, 'transient', 'http-502'],
    [504, 'transient', 'http-504'],
    [408, 'transient', 'http-408'],
    [429, 'rate-limited', 'http-429'],
    [404, 'permanent', 'no-lark-code'],
    [200, 'permanent', 'no-lark-code'],
  ] as const)('HTTP %i without a Lark code is %s', (http, outcome, reason) => {
    expect(classifyLarkResponse(http, '<html>gateway</html>')).toMatchObject({ outcome, reason });
  });

  it('trusts the code over a 5xx only when the code says failure; code 0 with 5xx is transient', () => {
    expect(classifyLarkResponse(502, answer(0, 'success'))).toMatchObject({ outcome: 'transient' });
    expect(classifyLarkResponse(502, answer(19024, 'Key Words Not Found'))).toMatchObject({ outcome: 'permanent' });
  });

  it('accepts a parsed body too', () => {
    expect(classifyLarkResponse(200, { code: 0, msg: 'success' })).toMatchObject({ ok: true });
  });
});

describe('parseLarkBody', () => {
  it('falls back to StatusCode / StatusMessage', () => {
    expect(parseLarkBody('{"StatusCode":19001,"StatusMessage":"token invalid"}')).toEqual({ code: 19001, msg: 'token invalid' });
  });

  it('ignores bodies that are not JSON objects', () => {
    expect(parseLarkBody('not json')).toEqual({});
    expect(parseLarkBody('[1]')).toEqual({});
    expect(parseLarkBody('{"code":"0"}')).toEqual({});
  });
});
