import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from '../domain/masking.js';

describe('masking personal data for shared screens', () => {
  it('keeps the first and last character of a name', () => {
    expect(maskName('王小明')).toBe('王*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
  });
  it('keeps the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('861****5678');
    expect(maskPhone('8888 6666')).toBe('88****66');
    expect(maskPhone('0571-8888666')).toBe('057****8666');
  });
});
