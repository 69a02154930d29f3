import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import { callAdmin, loadSession, saveSession, setUnauthenticatedHandler, type Session } from './api'

interface AuthValue {
  session: Session | null
  canWrite: boolean
  login(username: string, password: string): Promise<void>
  logout(): Promise<void>
}

const AuthContext = createContext<AuthValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const navigate = useNavigate()
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setSession(null)
      void navigate('/login', { replace: true })
    })
  }, [navigate])
  const login = useCallback(async (username: string, password: string) => {
    const result = await callAdmin('login', { username, password })
    const next: Session = {
      token: result.token,
      username: result.username,
      role: result.role,
      expiresAt: result.expiresAt,
    }
    saveSession(next)
    setSession(next)
  }, [])
  const logout = useCallback(async () => {
    try {
      await callAdmin('logout', {})
    } finally {
      saveSession(null)
      setSession(null)
    }
  }, [])
  const value = useMemo(
    () => ({ session, canWrite: session?.role === 'hq-admin', login, logout }),
    [session, login, logout],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth outside AuthProvider')
  return value
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const location = useLocation()
  if (!session)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  return <>{children}</>
}
