import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dispatch } from '../../main/ipc/handlers'

type Handlers = Parameters<typeof dispatch>[0]

describe('the wizard gets file system refusals in plain words', () => {
  it('turns a read-only disk into PATH_UNUSABLE naming the path', async () => {
    const readOnly = Object.assign(new Error('EROFS: read-only file system'), {
      code: 'EROFS',
      path: '/media/usb/SameGoal/districts',
    })
    const handlers = {
      'districts:list': async () => {
        throw readOnly
      },
    } as unknown as Handlers

    const reply = await dispatch(handlers, 'districts:list', {})
    assert.equal(reply.ok, false)
    const error = (
      reply as { error: { code: string; message: string; exitCode: number } }
    ).error
    assert.equal(error.code, 'PATH_UNUSABLE')
    assert.equal(error.exitCode, 2)
    assert.match(
      error.message,
      /\/media\/usb\/SameGoal\/districts: the disk or folder is read-only/,
    )
  })

  it('leaves other unexpected errors internal', async () => {
    const handlers = {
      'districts:list': async () => {
        throw new TypeError('undefined is not a function')
      },
    } as unknown as Handlers

    const reply = await dispatch(handlers, 'districts:list', {})
    assert.equal((reply as { error: { code: string } }).error.code, 'INTERNAL')
  })
})
